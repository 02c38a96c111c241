/**
 * The desired digest of a spec: sha256 over a canonical JSON (sorted keys, no whitespace) of
 * operatingSystem, the customizations with `{file}` references replaced by their content hash and
 * `{env}` secrets by their name, storage and reinstall.generation. File formatting, comments, key
 * order, labels, protect and the path of a referenced file do not change it.
 */
import { createHash } from 'node:crypto';
import type { CustomizationValue, ServerSpec } from '../specs/types.js';
import type { CanonicalSpec, CanonicalValue } from '../records/types.js';

/** Marker key of a file reference in a canonical spec: `{"$file": "sha256:<hex>"}`. */
export const FILE_MARKER = '$file';
/** Marker key of a secret in a canonical spec: `{"$env": "NAME"}`. */
export const ENV_MARKER = '$env';

/** The canonical form of a spec: what the digest hashes and the applied record keeps. */
export function canonicalizeSpec(spec: ServerSpec): CanonicalSpec {
  const customizations: { [name: string]: CanonicalValue } = {};
  for (const [name, value] of Object.entries(spec.customizations))
    customizations[name] = canonicalValue(value);
  return {
    operatingSystem: spec.operatingSystem,
    customizations,
    storage: spec.storage === undefined ? null : (toJsonValue(spec.storage) as CanonicalValue[]),
    reinstall: { generation: spec.reinstall.generation },
  };
}

function canonicalValue(value: CustomizationValue): CanonicalValue {
  if (value.kind === 'file') return { [FILE_MARKER]: `sha256:${value.sha256}` };
  if (value.kind === 'env') return { [ENV_MARKER]: value.name };
  const literal = value.value;
  if (typeof literal !== 'object') return literal;
  const out: { [key: string]: CanonicalValue } = {};
  for (const [key, inner] of Object.entries(literal)) {
    out[key] = typeof inner === 'string' ? inner : canonicalValue(inner);
  }
  return out;
}

function toJsonValue(value: unknown): CanonicalValue {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value)) as CanonicalValue;
}

/** JSON with object keys sorted at every depth and no whitespace; undefined members are dropped. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v: unknown) => canonicalJson(v ?? null)).join(',')}]`;
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
  return `{${members.join(',')}}`;
}

/** `sha256:<hex>` of a UTF-8 string. */
export function sha256Tag(text: string): string {
  return `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;
}

/** The digest of a canonical spec. */
export function digestOfCanonical(canonical: CanonicalSpec): string {
  return sha256Tag(canonicalJson(canonical));
}

/**
 * Digests already computed, by spec object. Specs are never changed once built, and readFleet
 * hands the same objects to every cycle while their files are unchanged: a steady daemon cycle
 * digests no spec again (it asked for each digest four times: observe's fingerprints and decisions,
 * the plan, the canonical specs kept for the record step). Weak: a spec no read holds is forgotten.
 */
const digests = new WeakMap<ServerSpec, string>();

/** The desired digest of a spec, `sha256:<hex>` (computed once per spec object). */
export function specDigest(spec: ServerSpec): string {
  let digest = digests.get(spec);
  if (digest === undefined) {
    digest = digestOfCanonical(canonicalizeSpec(spec));
    digests.set(spec, digest);
  }
  return digest;
}
