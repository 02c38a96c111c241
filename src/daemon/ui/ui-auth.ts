/**
 * The dashboard's optional authentication (configuration `ui.auth`, docs/dashboard.md): a bearer
 * token or HTTP basic users. Every comparison runs in constant time over SHA-256 digests of equal
 * length, and an unknown user costs the same comparison as a known one.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { UiAuthSecret } from '../../config/ui-config.js';

/** The realm named in `WWW-Authenticate`. */
export const UI_REALM = 'ovh-fleet';

/** Compared when the user is unknown, so that a wrong name and a wrong password take as long. */
const NOBODY = createHash('sha256').update('\0no such user\0').digest();

/** True when the request may see the dashboard (always, without `ui.auth`). */
export function isAuthorized(headers: IncomingHttpHeaders, auth: UiAuthSecret | null): boolean {
  if (auth === null) return true;
  const header = headers.authorization ?? '';
  const space = header.indexOf(' ');
  const scheme = space < 0 ? '' : header.slice(0, space).toLowerCase();
  const value = space < 0 ? '' : header.slice(space + 1).trim();
  if (auth.type === 'bearer') return scheme === 'bearer' && sameDigest(digest(value), digest(auth.token));
  if (scheme !== 'basic') return false;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const expected = auth.users.get(decoded.slice(0, colon));
  const matches = sameDigest(digest(decoded.slice(colon + 1)), expected ?? NOBODY);
  return expected !== undefined && matches;
}

/** The challenge of a 401, by type. */
export function challengeOf(auth: UiAuthSecret): string {
  return auth.type === 'bearer' ? `Bearer realm="${UI_REALM}"` : `Basic realm="${UI_REALM}", charset="UTF-8"`;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function sameDigest(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
