/**
 * One ajv error → the draft of a diagnostic: the field it points at, the code and the message.
 * A table keyed by ajv keyword says how each kind of error is drafted; the texts themselves live
 * in ajv-messages.ts. Errors inside a named format rule (`$defs`, see RULES) are drafted by rule.
 */
import type { ErrorObject } from 'ajv';
import type { ErrorCode } from '../core/codes/registry.js';
import { suggestion } from './did-you-mean.js';
import { MESSAGES, RULES } from './ajv-messages.js';

/** A diagnostic before it has a position: `which` says whether the key or the value is meant. */
export interface Draft {
  pointer: string;
  which: 'key' | 'value';
  code: ErrorCode;
  message: string;
}

/** `/storage/0/partitioning` → `storage[0].partitioning`. */
export function displayPath(pointer: string): string {
  if (pointer === '') return '(document)';
  let out = '';
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^[0-9]+$/.test(seg) ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  }
  return out;
}

function childPointer(parent: string, key: string): string {
  return `${parent}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/** The `$defs` entry an error's schemaPath lies in, when it is one of the named rules. */
export function ruleOf(schemaPath: string): string | undefined {
  const m = /^#\/\$defs\/([^/]+)\//.exec(schemaPath);
  return m && RULES[m[1]!] !== undefined ? m[1] : undefined;
}

/** What the file says about its template, for messages ("is not an input of debian12_64"). */
function templateOf(data: unknown): string | undefined {
  const os = (data as { operatingSystem?: unknown } | null)?.operatingSystem;
  return typeof os === 'string' ? os : undefined;
}

function rootOf(parentSchema: unknown): string | undefined {
  const c = (parentSchema as { contains?: { properties?: { mountPoint?: { const?: unknown } } } } | undefined)
    ?.contains;
  const root = c?.properties?.mountPoint?.const;
  return typeof root === 'string' ? root : undefined;
}

/** One error with what every drafter needs. */
interface ErrorContext {
  error: ErrorObject;
  /** The error's instance path (a JSON pointer). */
  path: string;
  /** The same path as a person reads it. */
  at: string;
  /** The file's template, when it names one. */
  os: string | undefined;
}

type Drafter = (c: ErrorContext) => Draft;

function onValue(c: ErrorContext, code: ErrorCode, message: string): Draft {
  return { pointer: c.path, which: 'value', code, message };
}

/** The template whose inputs `customizations` lists, when the error is about them. */
function inputsOf(c: ErrorContext): string | undefined {
  return c.path === '/customizations' && c.os ? c.os : undefined;
}

const range: Drafter = (c) =>
  onValue(
    c,
    'schema-range',
    MESSAGES.range(c.at, c.error.message, c.path === '/storage' && c.error.keyword === 'maxItems'),
  );

const badFormat: Drafter = (c) => onValue(c, 'schema-format', MESSAGES.pattern(c.at, c.error.data, c.path));

const invalid: Drafter = (c) => onValue(c, 'schema-invalid', MESSAGES.invalid(c.at, c.error.message));

/** How each ajv keyword's error is drafted; a keyword not listed is drafted by `invalid`. */
const DRAFTERS: Readonly<Record<string, Drafter>> = {
  required: (c) => {
    const missing = (c.error.params as { missingProperty: string }).missingProperty;
    const where = displayPath(childPointer(c.path, missing));
    return onValue(c, 'schema-required', MESSAGES.required(where, inputsOf(c)));
  },
  additionalProperties: (c) => {
    const extra = (c.error.params as { additionalProperty: string }).additionalProperty;
    const known = Object.keys(
      (c.error.parentSchema as { properties?: object } | undefined)?.properties ?? {},
    );
    const pointer = childPointer(c.path, extra);
    const hint = suggestion(extra, known) || (known.length > 0 ? MESSAGES.knownFields(known) : '');
    return {
      pointer,
      which: 'key',
      code: 'schema-unknown-field',
      message: MESSAGES.unknownField(displayPath(pointer), extra, inputsOf(c), hint),
    };
  },
  'false schema': (c) => ({
    pointer: c.path,
    which: 'key',
    code: 'storage-unsupported',
    message: MESSAGES.unsupported(c.at, c.path, c.os),
  }),
  type: (c) =>
    onValue(
      c,
      'schema-type',
      MESSAGES.type(c.at, (c.error.params as { type: string | string[] }).type, c.error.data),
    ),
  enum: (c) => {
    const allowed = (c.error.params as { allowedValues: unknown[] }).allowedValues;
    const names = allowed.filter((v): v is string => typeof v === 'string');
    const data = c.error.data;
    const hint = typeof data === 'string' ? suggestion(data, names) : '';
    if (c.path === '/operatingSystem')
      return onValue(c, 'os-unknown-template', MESSAGES.unknownTemplate(data, hint));
    return onValue(c, 'schema-enum', MESSAGES.notAllowed(c.at, data, allowed, hint));
  },
  const: (c) =>
    onValue(
      c,
      'schema-enum',
      MESSAGES.mustBe(c.at, (c.error.params as { allowedValue: unknown }).allowedValue, c.error.data),
    ),
  propertyNames: (c) => {
    const name = (c.error.params as { propertyName: string }).propertyName;
    const pointer = childPointer(c.path, name);
    return {
      pointer,
      which: 'key',
      code: 'schema-format',
      message: MESSAGES.invalidName(displayPath(pointer), name),
    };
  },
  minimum: range,
  maximum: range,
  exclusiveMinimum: range,
  exclusiveMaximum: range,
  minItems: range,
  maxItems: range,
  minLength: range,
  maxLength: range,
  minProperties: range,
  maxProperties: range,
  contains: (c) => {
    const root = /\/layout$/.test(c.path) ? rootOf(c.error.parentSchema) : undefined;
    if (root !== undefined) return onValue(c, 'storage-mount-point', MESSAGES.rootMissing(c.at, root));
    return invalid(c);
  },
  pattern: badFormat,
  format: badFormat,
};

/** The draft of one ajv error of a file whose parsed data is `data`. */
export function draftFor(error: ErrorObject, data: unknown): Draft {
  const c: ErrorContext = {
    error,
    path: error.instancePath,
    at: displayPath(error.instancePath),
    os: templateOf(data),
  };
  const rule = ruleOf(error.schemaPath);
  if (rule === 'reference' && error.keyword !== 'type')
    return onValue(c, 'schema-reference', MESSAGES.reference(c.at));
  if (rule && error.keyword !== 'type')
    return onValue(c, 'schema-format', MESSAGES.formatRule(c.at, error.data, rule));
  const drafter = Object.hasOwn(DRAFTERS, error.keyword) ? DRAFTERS[error.keyword]! : invalid;
  return drafter(c);
}

/** The draft of a generic `anyOf` error (not a named rule): the value fits none of the branches. */
export function anyOfDraft(error: ErrorObject): Draft {
  const path = error.instancePath;
  return {
    pointer: path,
    which: 'value',
    code: 'schema-type',
    message: MESSAGES.notAllowedHere(displayPath(path), error.data),
  };
}
