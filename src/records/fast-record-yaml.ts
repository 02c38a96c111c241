/**
 * A fast writer for the YAML of status records. The `yaml` package takes ≈0.35 ms and a few
 * hundred short-lived objects per record; a daemon with 10,000 servers writes them all after an
 * import or a fleet-wide change. This writer covers what records are made of (maps, sequences,
 * null, booleans, integers, and strings that YAML writes plain or in simple double quotes) and
 * gives up — returns `undefined` — on anything else (other numbers, control or non-ASCII
 * characters, quotes, backslashes, unusual keys), and the caller then uses the `yaml` package.
 * When it returns text, that text is byte for byte what `new Document(value).toString(...)` with
 * the options of serializeStatusRecord writes (a differential test checks this).
 */

class GiveUp extends Error {}

const giveUp = (): never => {
  throw new GiveUp();
};

/** Keys written plain: identifiers. */
const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Printable ASCII without `"` and `\`: YAML writes such strings as `"…"` when not plain. */
const QUOTABLE = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/**
 * Strings YAML does not write plain (the `yaml` package's plainString rules): empty; starting with
 * an indicator or a space; `?`/`-` alone or before a space; `: ` or ` #` inside; ending with a
 * space or `:`.
 */
const NOT_PLAIN = /^$|^[\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|:[ \t]|[ \t]#|[\t :]$/;

/** Plain strings the core schema would read back as another type (so YAML quotes them). */
const CORE_TYPES = [
  /^(?:~|[Nn]ull|NULL)?$/,
  /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/,
  /^0o[0-7]+$/,
  /^[-+]?[0-9]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
];

function scalar(value: string): string {
  if (!QUOTABLE.test(value)) giveUp();
  if (NOT_PLAIN.test(value) || CORE_TYPES.some((re) => re.test(value))) return `"${value}"`;
  return value;
}

function key(name: string): string {
  if (!KEY.test(name) || CORE_TYPES.some((re) => re.test(name))) giveUp();
  return name;
}

/** A value that fits on the key's line (`key: value`), or undefined for a block collection. */
function inline(value: unknown): string | undefined {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || Object.is(value, -0)) giveUp();
    return String(value);
  }
  if (typeof value === 'string') return scalar(value);
  if (Array.isArray(value)) return value.length === 0 ? '[]' : undefined;
  if (typeof value === 'object') {
    // Keys whose value is undefined are not written (the yaml package leaves them out too).
    return Object.values(value).every((v) => v === undefined) ? '{}' : undefined;
  }
  return giveUp();
}

function writeMap(map: Record<string, unknown>, indent: string, out: string[], first = ''): void {
  let prefix = first;
  for (const [name, value] of Object.entries(map)) {
    if (value === undefined) continue;
    const head = `${prefix}${key(name)}:`;
    prefix = indent;
    const simple = inline(value);
    if (simple !== undefined) out.push(`${head} ${simple}`);
    else {
      out.push(head);
      writeBlock(value, `${indent}  `, out);
    }
  }
}

function writeBlock(value: unknown, indent: string, out: string[]): void {
  if (!Array.isArray(value)) {
    writeMap(value as Record<string, unknown>, indent, out, indent);
    return;
  }
  for (const item of value) {
    const simple = inline(item);
    if (simple !== undefined) out.push(`${indent}- ${simple}`);
    else if (Array.isArray(item)) giveUp();
    else writeMap(item as Record<string, unknown>, `${indent}  `, out, `${indent}- `);
  }
}

/** The YAML of `value` (a map) after a `# comment` line and a blank line, or undefined. */
export function fastRecordYaml(value: Record<string, unknown>, comment: string): string | undefined {
  const out = [`#${comment}`, ''];
  try {
    writeMap(value, '', out);
  } catch (error) {
    if (error instanceof GiveUp) return undefined;
    throw error;
  }
  return `${out.join('\n')}\n`;
}
