/**
 * The resource guard every untrusted YAML text goes through before the `yaml` package composes
 * it (specs, fleet.yaml, status records, the daemon configuration, ack-rewrite, history). The
 * fast pass of src/specs/fast-yaml.ts may answer first: it is linear and bounded on its own.
 *
 * Why: the `yaml` composer recurses once per nesting level. A file nested a few hundred levels
 * overflows the stack, and after such an overflow V8 may abort the whole process ("FATAL ERROR:
 * RegExpCompiler Allocation failed"), which no try/catch stops. Some flat inputs cost seconds of
 * CPU (thousands of keys or anchors are checked pairwise; thousands of errors are slow to build).
 *
 * How: one linear pass over the tokens of the `yaml` package's own Lexer, which is iterative (no
 * recursion, one token at a time) and tells exactly where quoted, block and plain scalars begin
 * and end, so brackets or indentation inside a scalar are never mistaken for structure. The pass
 * bounds the nesting depth (an upper bound of block plus flow levels), the keys, anchors, aliases
 * and tokens, and stops at the first limit crossed with the position of the offending token.
 */
import { Lexer } from 'yaml';
import type { ErrorCode } from './codes/registry.js';

/** The limits of one text. */
export interface YamlLimits {
  /** Characters of text (repository YAML files are refused above 256 KiB before decoding). */
  maxChars: number;
  /** Nesting levels of collections, counted generously (a spec needs about 7). */
  maxDepth: number;
  /** Mapping keys in the whole text (a spec has a few dozen). */
  maxKeys: number;
  /** Anchors (`&name`) in the whole text. */
  maxAnchors: number;
  /** Aliases (`*name`) in the whole text. */
  maxAliases: number;
  /** Lexical tokens in the whole text (a spec has a few hundred). */
  maxTokens: number;
}

/** The limits of repository YAML, status records and the daemon configuration. */
export const YAML_LIMITS: Readonly<YamlLimits> = {
  maxChars: 256 * 1024,
  maxDepth: 64,
  maxKeys: 1000,
  maxAnchors: 100,
  maxAliases: 20,
  maxTokens: 20_000,
};

/** A limit the text crosses, with where (offset into the text, 1-based line and column). */
export interface YamlHazard {
  code: ErrorCode;
  message: string;
  offset: number;
  line: number;
  column: number;
}

/** What the pass counted (for tests: `depth` is never below the real nesting depth). */
export interface YamlShape {
  depth: number;
  keys: number;
  anchors: number;
  aliases: number;
  tokens: number;
}

/** The first limit `text` crosses, or undefined when the `yaml` package may parse it. */
export function checkYamlText(
  text: string,
  limits: Readonly<YamlLimits> = YAML_LIMITS,
): YamlHazard | undefined {
  return scanYaml(text, limits).hazard;
}

/** Control tokens of the Lexer (zero width in the source). */
const CONTROL = new Set(['\u0002', '\u001f', '\u0018', '\ufeff']);

/** Scans `text`; stops at the first limit crossed. */
export function scanYaml(
  text: string,
  limits: Readonly<YamlLimits> = YAML_LIMITS,
): { shape: YamlShape; hazard?: YamlHazard } {
  const shape: YamlShape = { depth: 0, keys: 0, anchors: 0, aliases: 0, tokens: 0 };
  const stop = (code: ErrorCode, message: string, offset: number) => ({
    shape,
    hazard: { code, message, offset, ...lineColumn(text, offset) },
  });
  if (text.length > limits.maxChars) {
    return stop('file-too-large', `the text has ${text.length} characters, more than ${limits.maxChars}`, 0);
  }
  /** Block collections open on the current line's ancestors: the column of their items and depth. */
  const stack: { col: number; line: number; depth: number; seq: boolean }[] = [];
  /** Indentation of the current line once its first token is met (-1 before). */
  let lineIndent = -1;
  /** Offset of the last scalar met (the key before a `:`). */
  let nodeAt = 0;
  /** Offset of a tab in the current line's indentation, or -1. */
  let tabAt = -1;
  /** A `:` after a key was met on this line (block context). */
  let keyedLine = false;
  /**
   * Open flow collections, each with the block indicators (`- `, `? `, `: `) met in its current
   * entry: the parser recovers from a block collection inside a flow one by nesting it.
   */
  const flowExtra: number[] = [];
  let flowDepth = 0;
  let lineDepth = 0;
  let atLineStart = true;
  let compact = false;
  let afterHeader = false;
  let scalarNext = false;
  /** A tag or anchor was the last token met in block context (its node has not begun yet). */
  let propertyBefore = false;
  let offset = 0;
  let col = 0;
  const deeper = (depth: number, at: number) =>
    (shape.depth = Math.max(shape.depth, depth)) > limits.maxDepth
      ? stop('yaml-too-deep', `collections are nested more than ${limits.maxDepth} levels deep`, at)
      : undefined;

  for (const token of new Lexer().lex(text)) {
    const at = offset;
    if (token === '\u0018') {
      // The Lexer closed unterminated flow collections (at a document marker).
      flowExtra.length = 0;
      flowDepth = 0;
      atLineStart = true;
      lineIndent = -1;
    }
    if (token === '\u001f') {
      scalarNext = true;
      continue;
    }
    if (!scalarNext && CONTROL.has(token)) continue;
    if (token === '') {
      // An empty scalar (e.g. a block scalar with no content): nothing to count.
      if (scalarNext) afterHeader = false;
      scalarNext = false;
      continue;
    }
    const isScalar = scalarNext;
    scalarNext = false;
    offset += token.length;
    const nl = token.lastIndexOf('\n');
    const startCol = col;
    col = nl < 0 ? col + token.length : token.length - nl - 1;
    if (++shape.tokens > limits.maxTokens) {
      return stop('yaml-too-complex', `the text has more than ${limits.maxTokens} YAML tokens`, at);
    }
    const first = token[0]!;
    const afterProperty = propertyBefore;
    if (!(!isScalar && (first === ' ' || first === '\t'))) propertyBefore = false;
    if (token === '\n' || token === '\r\n') {
      tabAt = -1;
      if (flowExtra.length === 0) {
        atLineStart = true;
        lineIndent = -1;
      }
      compact = false;
      continue;
    }
    if (!isScalar && (first === ' ' || first === '\t')) {
      if (atLineStart && flowExtra.length === 0 && token.includes('\t')) tabAt = at;
      continue;
    }
    if (!isScalar && first === '%') {
      // Under a %YAML 1.1 directive, `yaml` reads `on`, `yes` or `0755` otherwise than a reviewer,
      // an editor and the schemas (YAML 1.2) do: an invisible change of meaning.
      if (/^%YAML[ \t]/.test(token) && !/^%YAML[ \t]+1\.2[ \t]*(#.*)?$/.test(token)) {
        return stop('yaml-version-unsupported', `"${token.slice(0, 40)}": only YAML 1.2 is read`, at);
      }
      continue;
    }
    if (!isScalar && first === '#') continue;
    if (tabAt >= 0 && atLineStart && flowExtra.length === 0) {
      // yaml refuses it too, but its recovery nests by an indentation that ignores the tab.
      return stop('yaml-tab-indent', 'a line is indented with a tab character', tabAt);
    }
    if (afterHeader) {
      afterHeader = false;
      if (isScalar) {
        // The content of a block scalar (`|`, `>`): text, not structure.
        if (token.endsWith('\n') && flowExtra.length === 0) {
          atLineStart = true;
          lineIndent = -1;
        }
        continue;
      }
    }
    if (!isScalar && (token === '---' || token === '...')) {
      stack.length = 0;
      lineDepth = 0;
      continue;
    }
    if (flowExtra.length === 0 && atLineStart && lineIndent < 0) {
      // The line's indentation (at its first token, a property or an error token included).
      // yaml closes a collection when a line is indented less than the collection; one opened
      // after `- `, `? ` or `: ` is indented at least as much as its line. So only what was
      // opened on a line indented more than this one, or after an indicator on a line indented
      // the same, is surely closed; the rest stays counted.
      const indent = (lineIndent = leadingColumn(token, startCol));
      keyedLine = false;
      while (stack.length > 0) {
        const last = stack[stack.length - 1]!;
        if (last.line > indent || (last.line === indent && last.col > indent)) stack.pop();
        else break;
      }
    }
    if (!isScalar && (first === '&' || first === '!')) {
      // Properties (anchor, tag) belong to the node that follows: they open nothing themselves.
      if (first === '&' && ++shape.anchors > limits.maxAnchors) {
        return stop('yaml-alias-limit', `the text has more than ${limits.maxAnchors} anchors (&name)`, at);
      }
      propertyBefore = flowExtra.length === 0;
      continue;
    }
    if (flowExtra.length === 0 && (atLineStart || compact)) {
      // The first node of a line, or the node after `- `, `? ` or `: `: it may open a collection
      // at this column (an overestimate for scalars, which is harmless).
      // yaml indents a collection opened by a line's first node (after properties) at the line's
      // indentation, whatever its column.
      const c = atLineStart ? lineIndent : leadingColumn(token, startCol);
      const top = stack[stack.length - 1];
      const dash = token === '-';
      if (top === undefined || top.col !== c || compact) {
        stack.push({ col: c, line: lineIndent, depth: (top?.depth ?? 0) + 1, seq: dash });
      } else if (dash && !top.seq) {
        // `key:` then `- item` at the key's own column: a sequence inside the mapping.
        stack.push({ col: c, line: lineIndent, depth: top.depth + 1, seq: true });
      }
      lineDepth = stack[stack.length - 1]!.depth;
      atLineStart = false;
      compact = false;
      const tooDeep = deeper(lineDepth, at);
      if (tooDeep) return tooDeep;
    }
    if (isScalar || first === '"' || first === "'") {
      nodeAt = at;
      continue;
    }
    switch (first) {
      case '-':
      case '?':
      case ':':
        if (token.length === 1) {
          if (first === '?' && afterProperty) {
            // `!!str ? ? ` is an error yaml recovers from by nesting each such line one level
            // deeper than this scan sees (found by the property test): refused, as yaml does.
            return stop('yaml-syntax', 'Anchors and tags must be after the ? indicator', at);
          }
          if (first !== '-') shape.keys++;
          if (flowExtra.length === 0 && keyedLine) {
            // `a: b: c` or `a: - b`: an error yaml recovers from by nesting a collection at the
            // same indentation as its parent, one level deeper per such line: refused here.
            return first === ':'
              ? stop('yaml-syntax', 'Nested mappings are not allowed in compact mappings', nodeAt)
              : stop('yaml-syntax', 'a block collection cannot start after `key: ` on the same line', at);
          }
          // Even `: ` first on a line (an explicit value, rare): yaml may read it as an empty key.
          if (flowExtra.length === 0 && first === ':') keyedLine = true;
          if (flowExtra.length === 0) compact = true;
          else {
            flowExtra[flowExtra.length - 1]!++;
            flowDepth++;
            const tooDeep = deeper(lineDepth + flowDepth, at);
            if (tooDeep) return tooDeep;
          }
          if (shape.keys > limits.maxKeys) {
            return stop('yaml-too-complex', `the text has more than ${limits.maxKeys} mapping keys`, at);
          }
        }
        break;
      case '[':
      case '{': {
        // Two levels per flow collection: in a flow sequence, `a: b` (or a key the parser
        // recovers from an error) is a single-pair mapping, one more level with no `{`.
        flowExtra.push(0);
        flowDepth += 2;
        const tooDeep = deeper(lineDepth + flowDepth, at);
        if (tooDeep) return tooDeep;
        break;
      }
      case ']':
      case '}':
        if (flowExtra.length > 0) flowDepth -= 2 + flowExtra.pop()!;
        // Outside flow, an error token; count what follows it as if nested.
        else compact = true;
        break;
      case ',':
        if (flowExtra.length > 0) {
          flowDepth -= flowExtra[flowExtra.length - 1]!;
          flowExtra[flowExtra.length - 1] = 0;
        }
        break;
      case '*':
        if (++shape.aliases > limits.maxAliases) {
          return stop('yaml-alias-limit', `the text has more than ${limits.maxAliases} aliases (*name)`, at);
        }
        break;
      case '|':
      case '>':
        afterHeader = true;
        break;
    }
  }
  return { shape };
}

/** Column of the first character of `token` that is not a space (tokens may start with spaces). */
function leadingColumn(token: string, startCol: number): number {
  let i = 0;
  while (token[i] === ' ') i++;
  return startCol + i;
}

/** 1-based line and column (in UTF-16 units) of `offset`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
