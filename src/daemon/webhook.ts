/**
 * Webhook authentication (ECOSYSTEM-NOTES §3), pure: GitHub's `X-Hub-Signature-256` (HMAC-SHA256
 * of the RAW body, compared in constant time) and GitLab's `X-Gitlab-Token` (the shared secret,
 * compared in constant time through fixed-length digests). A delivery only triggers a fetch; its
 * payload is never trusted as desired state. Duplicate GitHub deliveries are remembered in a
 * bounded set.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Who sent a delivery. */
export type WebhookSource = 'github' | 'gitlab' | 'unknown';

/** The verdict on one delivery. */
export type WebhookVerdict =
  { ok: true; source: 'github' | 'gitlab' } | { ok: false; source: WebhookSource; why: string };

/** `sha256=<hex>` of the body under `secret`: what GitHub sends. */
export function githubSignature(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Checks a delivery's headers (lower-case names) against the secret; `secret` null refuses all. */
export function verifyWebhook(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  body: Buffer,
  secret: string | null,
): WebhookVerdict {
  const one = (name: string): string | undefined => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const signature = one('x-hub-signature-256');
  const token = one('x-gitlab-token');
  const source: WebhookSource =
    signature !== undefined ? 'github' : token !== undefined ? 'gitlab' : 'unknown';
  if (secret === null) return { ok: false, source, why: 'no webhook secret is configured' };
  if (signature !== undefined) {
    const expected = Buffer.from(githubSignature(secret, body));
    const given = Buffer.from(signature);
    if (given.length === expected.length && timingSafeEqual(given, expected))
      return { ok: true, source: 'github' };
    return { ok: false, source, why: 'X-Hub-Signature-256 does not match' };
  }
  if (token !== undefined) {
    const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
    if (timingSafeEqual(digest(token), digest(secret))) return { ok: true, source: 'gitlab' };
    return { ok: false, source, why: 'X-Gitlab-Token does not match' };
  }
  return { ok: false, source, why: 'neither X-Hub-Signature-256 nor X-Gitlab-Token is present' };
}

/** Remembers the last `capacity` delivery ids (insertion order; oldest forgotten first). */
export class DeliveryMemory {
  private readonly seen = new Set<string>();

  constructor(private readonly capacity = 1000) {}

  /** True when `id` was seen before; otherwise remembers it and returns false. */
  seenBefore(id: string): boolean {
    if (this.seen.has(id)) return true;
    this.seen.add(id);
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.values().next().value as string);
    return false;
  }
}
