/**
 * A tiny typed reader over untrusted parsed YAML, used by the status record parser: each getter
 * checks the type and throws a {@link RecordShapeError} naming the JSON pointer of the bad field.
 */

/** Thrown by {@link Fields} when a field is missing or has the wrong type. */
export class RecordShapeError extends Error {
  override readonly name = 'RecordShapeError';
}

/** Typed access to the fields of one object of a parsed document. */
export class Fields {
  private readonly data: Record<string, unknown>;

  constructor(
    data: unknown,
    private readonly pointer: string,
  ) {
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      throw new RecordShapeError(`${pointer || '/'}: expected a mapping`);
    }
    this.data = data as Record<string, unknown>;
  }

  private at(key: string): string {
    return `${this.pointer}/${key}`;
  }

  private value(key: string): unknown {
    return Object.hasOwn(this.data, key) ? this.data[key] : undefined;
  }

  str(key: string): string {
    const v = this.value(key);
    if (typeof v !== 'string') throw new RecordShapeError(`${this.at(key)}: expected a string`);
    return v;
  }

  optStr(key: string): string | null {
    const v = this.value(key);
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string') throw new RecordShapeError(`${this.at(key)}: expected a string or null`);
    return v;
  }

  num(key: string): number {
    const v = this.value(key);
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new RecordShapeError(`${this.at(key)}: expected a number`);
    return v;
  }

  bool(key: string): boolean {
    const v = this.value(key);
    if (typeof v !== 'boolean') throw new RecordShapeError(`${this.at(key)}: expected true or false`);
    return v;
  }

  optNum(key: string): number | null {
    const v = this.value(key);
    if (v === undefined || v === null) return null;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new RecordShapeError(`${this.at(key)}: expected a number or null`);
    }
    return v;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[]): T {
    const v = this.str(key);
    if (!(allowed as readonly string[]).includes(v)) {
      throw new RecordShapeError(`${this.at(key)}: expected one of ${allowed.join(', ')}`);
    }
    return v as T;
  }

  obj(key: string): Fields {
    return new Fields(this.value(key), this.at(key));
  }

  optObj(key: string): Fields | null {
    const v = this.value(key);
    return v === undefined || v === null ? null : new Fields(v, this.at(key));
  }

  strList(key: string): string[] {
    const v = this.value(key);
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
      throw new RecordShapeError(`${this.at(key)}: expected a list of strings`);
    }
    return v as string[];
  }

  /** A JSON-like value (objects, arrays, strings, finite numbers, booleans, null), checked deeply. */
  json(key: string, shape: 'object' | 'array-or-null'): unknown {
    const v = this.value(key);
    if (shape === 'array-or-null' && (v === undefined || v === null)) return null;
    const ok = shape === 'object' ? isPlainObject(v) : Array.isArray(v);
    if (!ok || !isJson(v)) throw new RecordShapeError(`${this.at(key)}: expected JSON-like ${shape}`);
    return v;
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isJson(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(isJson);
  if (isPlainObject(v)) return Object.values(v).every(isJson);
  return false;
}
