/**
 * The changed fields of a reinstall, as JSON pointers with display values: old values come from
 * the last applied record's canonical spec. A file reference shows as `(sha256:1a2b3c4d)` and,
 * when it changed, `(changed, sha256:1a2b3c4d)`; a secret shows as `(secret NAME)`. Neither a
 * file's content nor a secret's value can appear, because the canonical form holds neither.
 */
import type { CanonicalSpec, CanonicalValue } from '../records/types.js';
import { ENV_MARKER, FILE_MARKER } from './digest.js';
import type { PlanChange } from './types.js';

/** The differences between two canonical specs, in a stable order (object keys sorted). */
export function diffCanonical(before: CanonicalSpec, after: CanonicalSpec): PlanChange[] {
  const changes: PlanChange[] = [];
  walk('', before as unknown as CanonicalValue, after as unknown as CanonicalValue, changes);
  return changes;
}

/** The one change of a first-sight reinstall: the OS, from what OVHcloud shows. */
export function osChange(observedOs: string | null, desiredOs: string): PlanChange[] {
  return [{ path: '/operatingSystem', from: observedOs, to: desiredOs }];
}

function walk(
  path: string,
  a: CanonicalValue | undefined,
  b: CanonicalValue | undefined,
  out: PlanChange[],
): void {
  if (isContainer(a) && isContainer(b) && Array.isArray(a) === Array.isArray(b)) {
    const keys = Array.isArray(a)
      ? Array.from({ length: Math.max(a.length, (b as CanonicalValue[]).length) }, (_, i) => String(i))
      : [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const key of keys) walk(`${path}/${escapePointer(key)}`, member(a, key), member(b, key), out);
    return;
  }
  if (sameValue(a, b)) return;
  const changed = fileHash(a) !== undefined && fileHash(b) !== undefined;
  out.push({ path, from: display(a, false), to: display(b, changed) });
}

/** A plain object or array that is not a file or secret marker. */
function isContainer(
  v: CanonicalValue | undefined,
): v is CanonicalValue[] | { [key: string]: CanonicalValue } {
  if (v === null || typeof v !== 'object') return false;
  return Array.isArray(v) || (fileHash(v) === undefined && secretName(v) === undefined);
}

function member(
  v: CanonicalValue[] | { [key: string]: CanonicalValue },
  key: string,
): CanonicalValue | undefined {
  if (Array.isArray(v)) return v[Number(key)];
  return Object.hasOwn(v, key) ? v[key] : undefined;
}

function sameValue(a: CanonicalValue | undefined, b: CanonicalValue | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function fileHash(v: CanonicalValue | undefined): string | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const keys = Object.keys(v);
  const hash = v[FILE_MARKER];
  return keys.length === 1 && typeof hash === 'string' ? hash : undefined;
}

function secretName(v: CanonicalValue | undefined): string | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const keys = Object.keys(v);
  const name = v[ENV_MARKER];
  return keys.length === 1 && typeof name === 'string' ? name : undefined;
}

/** `sha256:` and the first 8 hex digits. */
export function shortDigest(tagged: string): string {
  return tagged.startsWith('sha256:') ? tagged.slice(0, 15) : tagged.slice(0, 8);
}

function display(v: CanonicalValue | undefined, changedFile: boolean): unknown {
  if (v === undefined) return null;
  const hash = fileHash(v);
  if (hash !== undefined) return changedFile ? `(changed, ${shortDigest(hash)})` : `(${shortDigest(hash)})`;
  const secret = secretName(v);
  if (secret !== undefined) return `(secret ${secret})`;
  return maskDeep(v);
}

/** Inside a displayed object, file references and secrets are shown the same masked way. */
function maskDeep(v: CanonicalValue): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (fileHash(v) !== undefined || secretName(v) !== undefined) return display(v, false);
  if (Array.isArray(v)) return v.map(maskDeep);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(v).sort()) out[key] = maskDeep(v[key] as CanonicalValue);
  return out;
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
