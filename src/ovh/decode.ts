/**
 * Tiny decoders that check an API answer and build a fresh, typed value from it (unknown fields
 * dropped, absent nullable fields set to null). A mismatch throws DecodeError naming the path.
 */

/** An answer does not have the expected shape at `path`. */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  constructor(
    readonly path: string,
    readonly expected: string,
  ) {
    super(`${path || '(answer)'}: expected ${expected}`);
  }
}

/** Checks `value` (found at `path`) and returns it typed. */
export type Decoder<T> = (value: unknown, path: string) => T;

export const string: Decoder<string> = (v, path) => {
  if (typeof v !== 'string') throw new DecodeError(path, 'a string');
  return v;
};

export const number: Decoder<number> = (v, path) => {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new DecodeError(path, 'a number');
  return v;
};

export const integer: Decoder<number> = (v, path) => {
  if (!Number.isInteger(v)) throw new DecodeError(path, 'an integer');
  return v as number;
};

export const boolean: Decoder<boolean> = (v, path) => {
  if (typeof v !== 'boolean') throw new DecodeError(path, 'a boolean');
  return v;
};

/** One of the listed literals. */
export function literal<const T extends string | number>(...values: readonly T[]): Decoder<T> {
  return (v, path) => {
    if (!values.includes(v as T))
      throw new DecodeError(path, `one of ${values.map((x) => JSON.stringify(x)).join(', ')}`);
    return v as T;
  };
}

/** `T | null`; an absent field reads as null. */
export function nullable<T>(decoder: Decoder<T>): Decoder<T | null> {
  return (v, path) => (v === null || v === undefined ? null : decoder(v, path));
}

export function array<T>(decoder: Decoder<T>): Decoder<T[]> {
  return (v, path) => {
    if (!Array.isArray(v)) throw new DecodeError(path, 'an array');
    return v.map((item, i) => decoder(item, `${path}[${i}]`));
  };
}

/** An object of string values. */
export const stringRecord: Decoder<Record<string, string>> = (v, path) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new DecodeError(path, 'an object');
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(v)) out[key] = string(value, `${path}.${key}`);
  return out;
};

/** Marks a field that may be absent (kept absent). */
export interface Optional<T> {
  optional: Decoder<T>;
}

export function optional<T>(decoder: Decoder<T>): Optional<T> {
  return { optional: decoder };
}

type Fields = Record<string, Decoder<unknown> | Optional<unknown>>;
type Required<F extends Fields> = {
  [K in keyof F as F[K] extends Optional<unknown> ? never : K]: F[K] extends Decoder<infer T> ? T : never;
};
type Opt<F extends Fields> = {
  [K in keyof F as F[K] extends Optional<unknown> ? K : never]?: F[K] extends Optional<infer T> ? T : never;
};
/** The value an object decoder produces. */
export type Shape<F extends Fields> = Required<F> & Opt<F>;

/** An object with these fields; other fields are dropped. */
export function object<F extends Fields>(fields: F): Decoder<Shape<F>> {
  return (v, path) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new DecodeError(path, 'an object');
    const source = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(fields)) {
      const at = path ? `${path}.${key}` : key;
      if (typeof field === 'function') out[key] = field(source[key], at);
      else if (source[key] !== undefined) out[key] = field.optional(source[key], at);
    }
    return out as Shape<F>;
  };
}
