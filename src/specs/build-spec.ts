/**
 * `buildServerSpec`: a parsed `servers/**` file to a typed ServerSpec. It expects data that passed
 * the schema but never trusts it: whatever it cannot use becomes a `spec-structure` diagnostic,
 * never an exception. `{file}` references are read (confined to the repository), `{env}` names
 * checked; a file with any error yields no spec.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import { isServiceName } from '../core/service-name.js';
import { DEFAULT_SECRET_RULE, type SecretRule } from '../core/secret-rule.js';
import type { ErrorCode } from '../core/codes/registry.js';
import type { StorageEntry } from '../ovh/types.js';
import type { CustomizationValue, EnvRef, FileRef, ParsedFile, ServerSpec, SourcePos } from './types.js';
import { escapeSegment } from './positions.js';
import { resolveRef, type RefContext } from './refs.js';
import type { RepoFiles } from './repo-files.js';

/** What building one spec gives; `references` lists every repository path a `{file}` named. */
export interface BuildResult {
  spec?: ServerSpec;
  /** The serviceName when the file declares a usable one, even if the spec is invalid. */
  serviceName?: string;
  diagnostics: Diagnostic[];
  /** Normalized repository-relative paths read for `{file}` references (cache dependencies). */
  references: string[];
}

type Data = Record<string, unknown>;

/**
 * Turns a parsed server file into a ServerSpec, reading `{file}` references through `repo`;
 * `{env}` references must be allowed by `secrets` (default: FLEET_SECRET_*).
 */
export function buildServerSpec(
  parsed: ParsedFile,
  repo: RepoFiles,
  secrets: SecretRule = DEFAULT_SECRET_RULE,
): BuildResult {
  const diagnostics: Diagnostic[] = [];
  const references: string[] = [];
  const report = (
    code: ErrorCode,
    pointer: string,
    message: string,
    which: 'key' | 'value' = 'value',
  ): void => {
    const pos = parsed.positionOf(pointer, which);
    diagnostics.push({
      file: parsed.file,
      line: pos.line,
      column: pos.column,
      severity: 'error',
      code,
      message,
    });
  };
  const data = parsed.data;
  if (!isObject(data)) {
    report('spec-structure', '', 'the spec is not a mapping');
    return { diagnostics, references };
  }

  const serviceName = serviceNameOf(data, report);
  const operatingSystem = requiredString(data, 'operatingSystem', report);
  const labels = readLabels(data.labels, report);
  const ctx: RefContext = { repo, secrets, report, references };
  const customizations = readCustomizations(data.customizations, ctx);
  const storage = readStorage(data.storage, report);
  const reinstall = readReinstall(data.reinstall, report);

  const failed = diagnostics.some((d) => d.severity === 'error');
  const base = { diagnostics, references, ...(serviceName === undefined ? {} : { serviceName }) };
  if (failed || serviceName === undefined || operatingSystem === undefined) return base;
  const spec = withLazyPositions(
    { file: parsed.file, serviceName, labels, operatingSystem, customizations, storage, reinstall },
    parsed,
    data,
  );
  return { ...base, spec };
}

type Report = (code: ErrorCode, pointer: string, message: string, which?: 'key' | 'value') => void;

function isObject(value: unknown): value is Data {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requiredString(data: Data, key: string, report: Report): string | undefined {
  const value = data[key];
  if (typeof value === 'string' && value.trim() !== '') return value;
  report(
    'spec-structure',
    `/${key}`,
    value === undefined ? `${key} is required` : `${key} must be a non-empty string`,
  );
  return undefined;
}

/** The serviceName when it is one (it names a status file): see core/service-name.ts. */
function serviceNameOf(data: Data, report: Report): string | undefined {
  const name = requiredString(data, 'serviceName', report);
  if (name === undefined || isServiceName(name)) return name;
  report(
    'service-name-invalid',
    '/serviceName',
    `serviceName ${JSON.stringify((name as string).slice(0, 80))} is not an OVHcloud service name (letters, digits, dots and dashes, e.g. ns5001234.ip-51-75-1.eu)`,
  );
  return undefined;
}

function readLabels(value: unknown, report: Report): Record<string, string> {
  const labels: Record<string, string> = {};
  if (value === undefined || value === null) return labels;
  if (!isObject(value)) {
    report('spec-structure', '/labels', 'labels must be a mapping of names to values');
    return labels;
  }
  for (const [key, v] of Object.entries(value)) {
    // Numbers and booleans are accepted and kept as text (`rack: 12` means "12").
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') labels[key] = String(v);
    else report('spec-structure', `/labels/${escapeSegment(key)}`, `labels.${key} must be a string`);
  }
  return labels;
}

function readCustomizations(value: unknown, ctx: RefContext): Record<string, CustomizationValue> {
  const out: Record<string, CustomizationValue> = {};
  if (value === undefined || value === null) return out;
  if (!isObject(value)) {
    ctx.report(
      'spec-structure',
      '/customizations',
      'customizations must be a mapping of input names to values',
    );
    return out;
  }
  for (const [name, v] of Object.entries(value)) {
    const pointer = `/customizations/${escapeSegment(name)}`;
    const field = `customizations.${name}`;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      out[name] = { kind: 'literal', value: v };
    } else if (isObject(v) && ('file' in v || 'env' in v)) {
      const ref = resolveRef(v, pointer, field, name, ctx);
      if (ref) out[name] = ref;
    } else if (isObject(v)) {
      const map = readKeyValue(v, pointer, field, ctx);
      if (map) out[name] = { kind: 'literal', value: map };
    } else {
      ctx.report(
        'spec-structure',
        pointer,
        `${field} must be a string, number, boolean, mapping or reference`,
      );
    }
  }
  return out;
}

/** A keyValue input (e.g. httpHeaders): string values or references. */
function readKeyValue(
  value: Data,
  pointer: string,
  field: string,
  ctx: RefContext,
): Record<string, string | FileRef | EnvRef> | undefined {
  const out: Record<string, string | FileRef | EnvRef> = {};
  let ok = true;
  for (const [key, v] of Object.entries(value)) {
    const p = `${pointer}/${escapeSegment(key)}`;
    const f = `${field}.${key}`;
    if (typeof v === 'string') {
      out[key] = v;
    } else if (isObject(v) && ('file' in v || 'env' in v)) {
      const ref = resolveRef(v, p, f, key, ctx);
      if (ref) out[key] = ref;
      else ok = false;
    } else {
      ctx.report('spec-structure', p, `${f} must be a string or a reference`);
      ok = false;
    }
  }
  return ok ? out : undefined;
}

function readStorage(value: unknown, report: Report): StorageEntry[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    report('spec-structure', '/storage', 'storage must be a list of disk group entries');
    return undefined;
  }
  value.forEach((entry, i) => {
    if (!isObject(entry)) report('spec-structure', `/storage/${i}`, `storage[${i}] must be a mapping`);
  });
  // The schema checks the entries' fields; the API's own shape is kept as is.
  return value as StorageEntry[];
}

function readReinstall(value: unknown, report: Report): ServerSpec['reinstall'] {
  const out = { generation: 0, protect: false };
  if (value === undefined || value === null) return out;
  if (!isObject(value)) {
    report('spec-structure', '/reinstall', 'reinstall must be a mapping with generation and protect');
    return out;
  }
  const { generation, protect } = value;
  if (generation !== undefined && generation !== null) {
    if (typeof generation === 'number' && Number.isSafeInteger(generation) && generation >= 0)
      out.generation = generation;
    else
      report(
        'spec-structure',
        '/reinstall/generation',
        'reinstall.generation must be a whole number, 0 or more',
      );
  }
  if (protect !== undefined && protect !== null) {
    if (typeof protect === 'boolean') out.protect = protect;
    else report('spec-structure', '/reinstall/protect', 'reinstall.protect must be true or false');
  }
  return out;
}

/**
 * Positions of the fields the planner and the validator point at (every top-level field, every
 * customization, every reinstall field), computed on first read of `spec.positions`: a valid
 * file never needs its YAML positions, and computing them costs a full parse.
 */
function withLazyPositions(spec: Omit<ServerSpec, 'positions'>, parsed: ParsedFile, data: Data): ServerSpec {
  return new BuiltServerSpec(spec, parsed, data);
}

/**
 * A spec with its positions behind a prototype getter: a daemon keeps thousands of specs, and an
 * own accessor per object (a closure each, and objects V8 keeps in slow dictionary mode) cost
 * about 0.6 KiB per spec.
 */
class BuiltServerSpec implements ServerSpec {
  readonly file: string;
  readonly serviceName: string;
  readonly labels: Record<string, string>;
  readonly operatingSystem: string;
  readonly customizations: Record<string, CustomizationValue>;
  readonly storage: StorageEntry[] | undefined;
  readonly reinstall: { generation: number; protect: boolean };
  readonly #parsed: ParsedFile;
  readonly #data: Data;
  #positions: Record<string, SourcePos> | undefined;

  constructor(spec: Omit<ServerSpec, 'positions'>, parsed: ParsedFile, data: Data) {
    this.file = spec.file;
    this.serviceName = spec.serviceName;
    this.labels = spec.labels;
    this.operatingSystem = spec.operatingSystem;
    this.customizations = spec.customizations;
    this.storage = spec.storage;
    this.reinstall = spec.reinstall;
    this.#parsed = parsed;
    this.#data = data;
  }

  get positions(): Record<string, SourcePos> {
    return (this.#positions ??= computePositions(this.#parsed, this.#data));
  }
}

function computePositions(parsed: ParsedFile, data: Data): Record<string, SourcePos> {
  const pointers = ['', ...Object.keys(data).map((key) => `/${escapeSegment(key)}`)];
  for (const section of ['customizations', 'reinstall']) {
    const value = data[section];
    if (isObject(value))
      for (const key of Object.keys(value)) pointers.push(`/${section}/${escapeSegment(key)}`);
  }
  const positions: Record<string, SourcePos> = {};
  for (const pointer of pointers) positions[pointer] = parsed.positionOf(pointer);
  return positions;
}
