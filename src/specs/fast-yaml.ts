/**
 * A fast first pass for the plain YAML that spec files are made of (block mappings and
 * sequences, one-line flow collections, plain and simply quoted scalars). The `yaml` package
 * parses ≈2,500 such files per second on the reference box, which is too slow for 10,000 specs;
 * this pass is about ten times faster.
 *
 * It is deliberately conservative: on anything outside the subset (tabs, anchors, tags, block
 * scalars, multi-line scalars, escapes, duplicate keys, numbers other than plain decimals, `---`,
 * unusual characters, excessive depth...) it gives up and returns `undefined`, and the caller
 * parses the file with the `yaml` package, which reports every problem with its position. When it
 * does return a value, that value equals `parseDocument(text).toJS()` (a differential test checks
 * this). It never throws.
 */

/** The subset never builds collections deeper than this: deeper files take the full parser. */
const MAX_FAST_DEPTH = 32;

interface Line {
  indent: number;
  /** Content after the indentation, comment lines and blank lines removed. */
  text: string;
}

class GiveUp extends Error {}

const giveUp = (): never => {
  throw new GiveUp();
};

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const DECIMAL_INT = /^-?(?:0|[1-9][0-9]{0,14})$/;
const DECIMAL_FLOAT = /^-?(?:0|[1-9][0-9]{0,14})\.[0-9]{1,15}$/;
const CORE_SPECIAL =
  /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
/** Characters a plain scalar of the subset may hold (block context). No indicators, no controls. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what these exclude
const PLAIN_BLOCK = /^[^\s\-?:,[\]{}#&*!|>'"%@`~][^\t\n\r\0-\x1f\x7f,[\]{}#&*!|>'"\\]*$/u;
/** In flow context, `:` is excluded as well. */
// eslint-disable-next-line no-control-regex -- as above
const PLAIN_FLOW = /^[^\s\-?:,[\]{}#&*!|>'"%@`~][^\t\n\r\0-\x1f\x7f,[\]{}#&*!|>'"\\:]*$/u;

/**
 * Characters YAML and JavaScript do not agree on: tabs and line breaks other than `\n`, and every
 * Unicode space that `String.prototype.trim` removes but YAML keeps as content (U+00A0, U+2003,
 * U+3000...), plus other invisible format characters. Texts holding any take the full parser.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this finds
const NOT_FAST = /[\0-\x09\x0b-\x1f\x7f-\xa0\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]/;

/** `line` without the spaces (U+0020 only, as YAML) at its start / end. */
const trimSpacesStart = (line: string): string => line.replace(/^ +/, '');
const trimSpacesEnd = (line: string): string => {
  // A loop, not `/ +$/`: that regex backtracks quadratically on a long run of spaces followed by
  // anything else (a 256 KiB spec file took a minute; test/core/regex-safety.test.ts).
  let end = line.length;
  while (end > 0 && line.charCodeAt(end - 1) === 0x20) end--;
  return line.slice(0, end);
};

/** Returns the data of `text` when it lies in the fast subset, else `undefined`. */
export function fastParseYaml(text: string): unknown {
  if (NOT_FAST.test(text)) return undefined;
  const lines: Line[] = [];
  for (const raw of text.split('\n')) {
    const content = trimSpacesStart(raw);
    if (content === '' || content.startsWith('#')) continue;
    lines.push({ indent: raw.length - content.length, text: trimSpacesEnd(content) });
  }
  if (lines.length === 0 || lines[0]!.indent !== 0) return undefined;
  try {
    const state = { lines, pos: 0 };
    const value = parseBlock(state, 0, 0);
    if (state.pos !== lines.length) return undefined;
    return value;
  } catch (error) {
    if (error instanceof GiveUp) return undefined;
    throw error;
  }
}

interface State {
  lines: Line[];
  pos: number;
}

function parseBlock(state: State, indent: number, depth: number): unknown {
  if (depth >= MAX_FAST_DEPTH) giveUp();
  const first = state.lines[state.pos]!;
  if (first.text === '-' || first.text.startsWith('- ')) return parseSeq(state, indent, depth);
  return parseMap(state, indent, depth);
}

function parseMap(state: State, indent: number, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  while (state.pos < state.lines.length) {
    const line = state.lines[state.pos]!;
    if (line.indent < indent) break;
    if (line.indent > indent) giveUp();
    const { key, rest } = splitKey(line.text);
    if (Object.hasOwn(out, key)) giveUp();
    state.pos++;
    out[key] = rest === '' ? parseNested(state, indent, depth, true) : parseInline(state, rest, indent);
  }
  return out;
}

function parseSeq(state: State, indent: number, depth: number): unknown[] {
  const out: unknown[] = [];
  while (state.pos < state.lines.length) {
    const line = state.lines[state.pos]!;
    if (line.indent < indent) break;
    if (line.indent > indent) giveUp();
    if (line.text === '-') {
      state.pos++;
      out.push(parseNested(state, indent, depth, false));
      continue;
    }
    if (!line.text.startsWith('- ')) giveUp();
    const after = line.text.slice(2);
    const content = trimSpacesStart(after);
    const column = indent + 2 + (after.length - content.length);
    if (content.startsWith('-') || isKeyLine(content)) {
      // A compact collection that starts on the dash's line: re-read the line at its column.
      state.lines[state.pos] = { indent: column, text: content };
      out.push(parseBlock(state, column, depth + 1));
    } else {
      state.pos++;
      out.push(parseInline(state, content, indent));
    }
  }
  return out;
}

/** The value of `key:` or `-` with nothing after it: a nested block, or null. */
function parseNested(state: State, indent: number, depth: number, inMap: boolean): unknown {
  const next = state.lines[state.pos];
  if (next === undefined) return null;
  if (next.indent > indent) return parseBlock(state, next.indent, depth + 1);
  // `key:` followed by a sequence at the same indentation is YAML's "compact" form.
  if (inMap && next.indent === indent && (next.text === '-' || next.text.startsWith('- '))) {
    return parseSeq(state, indent, depth + 1);
  }
  return null;
}

/** A value written on the same line as its key or dash. */
function parseInline(state: State, rest: string, indent: number): unknown {
  const cursor = { s: rest, i: 0 };
  const value = rest[0] === '{' || rest[0] === '[' ? parseFlow(cursor, 0) : parseScalar(cursor, false);
  const tail = rest.slice(cursor.i);
  if (tail !== '' && !/^ +#/.test(tail)) giveUp();
  // A more indented line after a scalar would continue it (a multi-line scalar): not ours.
  const next = state.lines[state.pos];
  if (next !== undefined && next.indent > indent) giveUp();
  return value;
}

function isKeyLine(text: string): boolean {
  if (/^[[{"']/.test(text)) return false;
  const colon = text.indexOf(':');
  return colon > 0 && (colon === text.length - 1 || text[colon + 1] === ' ');
}

function splitKey(text: string): { key: string; rest: string } {
  const colon = text.indexOf(':');
  if (colon <= 0) giveUp();
  const key = text.slice(0, colon);
  if (!KEY.test(key) || CORE_SPECIAL.test(key) || key === '__proto__') giveUp();
  const after = text.slice(colon + 1);
  if (after !== '' && after[0] !== ' ') giveUp();
  const rest = trimSpacesStart(after);
  return { key, rest: rest.startsWith('#') ? '' : rest };
}

interface Cursor {
  s: string;
  i: number;
}

function parseFlow(c: Cursor, depth: number): unknown {
  if (depth >= MAX_FAST_DEPTH) giveUp();
  const open = c.s[c.i];
  const close = open === '{' ? '}' : ']';
  const map: Record<string, unknown> = {};
  const seq: unknown[] = [];
  c.i++;
  skipSpaces(c);
  if (c.s[c.i] === close) {
    c.i++;
    return open === '{' ? map : seq;
  }
  for (;;) {
    skipSpaces(c);
    if (open === '{') {
      const match = /^([A-Za-z_][A-Za-z0-9_.-]*): +/.exec(c.s.slice(c.i));
      if (!match) giveUp();
      const key = match![1]!;
      if (CORE_SPECIAL.test(key) || key === '__proto__' || Object.hasOwn(map, key)) giveUp();
      c.i += match![0].length;
      map[key] = parseFlowValue(c, depth);
    } else {
      seq.push(parseFlowValue(c, depth));
    }
    skipSpaces(c);
    const ch = c.s[c.i];
    c.i++;
    if (ch === close) return open === '{' ? map : seq;
    if (ch !== ',') giveUp();
    skipSpaces(c);
    if (c.s[c.i] === close) giveUp(); // trailing comma: let the full parser decide
  }
}

function parseFlowValue(c: Cursor, depth: number): unknown {
  const ch = c.s[c.i];
  if (ch === '{' || ch === '[') return parseFlow(c, depth + 1);
  return parseScalar(c, true);
}

function skipSpaces(c: Cursor): void {
  while (c.s[c.i] === ' ') c.i++;
}

function parseScalar(c: Cursor, flow: boolean): unknown {
  const ch = c.s[c.i];
  if (ch === '"' || ch === "'") {
    const end = c.s.indexOf(ch, c.i + 1);
    if (end < 0) giveUp();
    const body = c.s.slice(c.i + 1, end);
    // eslint-disable-next-line no-control-regex -- control characters need the full parser
    if (body.includes('\\') || /[\0-\x1f\x7f]/.test(body)) giveUp();
    c.i = end + 1;
    return body;
  }
  let end = c.i;
  const s = c.s;
  if (flow) {
    while (end < s.length && s[end] !== ',' && s[end] !== '}' && s[end] !== ']') end++;
  } else {
    const comment = s.indexOf(' #', c.i);
    end = comment < 0 ? s.length : comment;
  }
  const token = trimSpacesEnd(s.slice(c.i, end));
  c.i += token.length;
  return resolvePlain(token, flow);
}

function resolvePlain(token: string, flow: boolean): unknown {
  if (token === '') giveUp();
  // `.inf`, `-.Inf`, `.nan`...: core-schema floats (Infinity, NaN), left to the full parser.
  if (CORE_SPECIAL.test(token) && token.includes('.')) giveUp();
  if (token === 'null' || token === 'Null' || token === 'NULL' || token === '~') return null;
  if (token === 'true' || token === 'True' || token === 'TRUE') return true;
  if (token === 'false' || token === 'False' || token === 'FALSE') return false;
  // Only tokens made of number characters can be numbers in the core schema; `4h` is a string.
  if (/^[-+.0-9]/.test(token) && /^[-+.0-9a-fA-FxXoO_]+$/.test(token)) {
    if (DECIMAL_INT.test(token)) return token === '-0' ? -0 : Number(token);
    if (DECIMAL_FLOAT.test(token)) return Number(token);
    // Anything else that starts like a number (octal, hex, exponents, versions like 1.2.3, dates,
    // `.inf`...) is left to the full parser rather than guessed.
    giveUp();
  }
  if (!(flow ? PLAIN_FLOW : PLAIN_BLOCK).test(token) || token.includes(': ') || token.endsWith(':')) {
    giveUp();
  }
  return token;
}
