/**
 * `parseFleetFile`: one repository YAML file (bytes) to a ParsedFile. Pure and synchronous, so
 * that it can run in a worker thread. Every YAML hazard becomes a Diagnostic with FILE:LINE:COL;
 * nothing here throws on bad input.
 */
import { createHash } from 'node:crypto';
import { LineCounter, parseAllDocuments, isCollection, isPair, type Document, type Node } from 'yaml';
import type { Diagnostic } from '../core/diagnostic.js';
import type { ErrorCode } from '../core/codes/registry.js';
import { checkYamlText } from '../core/yaml-guard.js';
import type { ParsedFile, SourcePos } from './types.js';
import { fastParseYaml } from './fast-yaml.js';
import { positionInDocument } from './positions.js';

/** Largest repository YAML file read (fleet.yaml or a spec): 256 KiB. A spec is ~1 KiB. */
export const MAX_YAML_BYTES = 256 * 1024;
/** Most alias uses (`*name`) a file may contain: specs do not need aliases, a few are tolerated. */
export const MAX_ALIAS_COUNT = 20;
/** Deepest nesting of collections accepted (a spec needs about 7 levels). */
export const MAX_DEPTH = 32;

/** `fleet.yaml` at the root is the policy file; everything else read is a server spec. */
export function kindOfPath(file: string): ParsedFile['kind'] {
  return file === 'fleet.yaml' ? 'fleet' : 'server';
}

/** The sha256 hex of a file's bytes (or of text, as UTF-8): the cache key of everything derived from it. */
export function hashBytes(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A ParsedFile without data for a file refused before parsing (too large, unreadable). */
export function failedFile(file: string, diagnostic: Diagnostic): ParsedFile {
  return makeParsed(file, kindOfPath(file), '', undefined, [diagnostic], () => undefined);
}

/** Parses one repository file. `file` is its repository-relative path (forward slashes). */
export function parseFleetFile(file: string, bytes: Uint8Array): ParsedFile {
  const contentHash = hashBytes(bytes);
  const kind = kindOfPath(file);
  const fail = (code: ErrorCode, message: string, line = 1, column = 1): ParsedFile =>
    makeParsed(
      file,
      kind,
      contentHash,
      undefined,
      [{ file, line, column, severity: 'error', code, message }],
      () => undefined,
    );

  if (bytes.byteLength > MAX_YAML_BYTES) {
    return fail(
      'file-too-large',
      `the file is ${bytes.byteLength} bytes, more than the limit of ${MAX_YAML_BYTES}`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const pos = firstInvalidUtf8(bytes);
    return fail('yaml-not-utf8', 'the file is not valid UTF-8 text', pos.line, pos.column);
  }

  // The fast pass is linear and bounded itself (32 levels, no aliases); it is ~6 times cheaper
  // than the guard's Lexer pass, which is only needed before the yaml package sees the text.
  const fast = fastParseYaml(text);
  if (fast !== undefined && isPlainObject(fast)) {
    return makeParsed(file, kind, contentHash, fast, [], sourceOf(text));
  }
  // Nesting, keys, anchors, aliases and tokens are bounded before yaml parses the text.
  const hazard = checkYamlText(text);
  if (hazard) return fail(hazard.code, hazard.message, hazard.line, hazard.column);
  return parseFull(file, kind, contentHash, text);
}

/**
 * A ParsedFile rebuilt from what a worker thread sent back (its data and diagnostics, plain
 * data): positions come from parsing `text` again, lazily, only if a diagnostic needs one.
 */
export function restoreParsedFile(
  file: string,
  contentHash: string,
  text: string,
  data: unknown,
  diagnostics: Diagnostic[],
): ParsedFile {
  return makeParsed(file, kindOfPath(file), contentHash, data, diagnostics, sourceOf(text));
}

/**
 * The YAML document of `text`, parsed again at each call: ParsedFiles live in the read cache of a
 * long-running daemon, and keeping a document per file would cost ~10 KiB each; positionOf
 * memoises the positions it computed instead.
 */
function sourceOf(text: string): () => { doc: Document; lineCounter: LineCounter } | undefined {
  return () => {
    if (checkYamlText(text)) return undefined;
    const lineCounter = new LineCounter();
    const doc = parseAllDocuments(text, { lineCounter })[0];
    return doc ? { doc, lineCounter } : undefined;
  };
}

/** The text of a file's bytes as parseFleetFile reads it (BOM dropped; invalid bytes replaced). */
export function decodeText(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { ignoreBOM: false }).decode(bytes);
}

function parseFull(file: string, kind: ParsedFile['kind'], contentHash: string, text: string): ParsedFile {
  const lineCounter = new LineCounter();
  const diagnostics: Diagnostic[] = [];
  const at = (offset: number): { line: number; column: number } => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const add = (code: ErrorCode, message: string, offset = 0): void => {
    diagnostics.push({ file, ...at(offset), severity: 'error', code, message });
  };
  let docs: Document[];
  try {
    const parsed = parseAllDocuments(text, {
      lineCounter,
      uniqueKeys: true,
      strict: true,
      prettyErrors: false,
    });
    docs = Array.isArray(parsed) ? (parsed as Document[]) : [];
  } catch (error) {
    // The parser is not known to throw; a stack overflow on absurd nesting is the one risk.
    add('yaml-too-deep', `the file cannot be parsed: ${(error as Error).message}`);
    return makeParsed(file, kind, contentHash, undefined, diagnostics, () => undefined);
  }
  const first = docs[0];
  const positions = (): { doc: Document; lineCounter: LineCounter } | undefined =>
    first ? { doc: first, lineCounter } : undefined;
  if (docs.length > 1) {
    add(
      'yaml-multiple-documents',
      `the file holds ${docs.length} YAML documents; a file holds exactly one`,
      docs[1]!.range?.[0] ?? 0,
    );
  }
  for (const doc of docs) {
    for (const e of doc.errors) add(yamlErrorCode(e.code), firstLine(e.message), e.pos[0]);
    for (const w of doc.warnings) {
      if (w.code === 'TAG_RESOLVE_FAILED') add('yaml-unknown-tag', firstLine(w.message), w.pos[0]);
    }
  }
  if (diagnostics.length > 0) return makeParsed(file, kind, contentHash, undefined, diagnostics, positions);
  if (!first || first.contents === null || isEmptyScalar(first.contents)) {
    add('yaml-empty', 'the file is empty or holds only comments');
    return makeParsed(file, kind, contentHash, undefined, diagnostics, positions);
  }
  const deep = findTooDeep(first.contents);
  if (deep) {
    add('yaml-too-deep', `collections are nested more than ${MAX_DEPTH} levels deep`, deep.range?.[0] ?? 0);
    return makeParsed(file, kind, contentHash, undefined, diagnostics, positions);
  }
  let data: unknown;
  try {
    data = first.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    add(
      'yaml-alias-limit',
      `aliases expand beyond the limit (${(error as Error).message})`,
      firstAliasOffset(text),
    );
    return makeParsed(file, kind, contentHash, undefined, diagnostics, positions);
  }
  if (data === null || data === undefined) {
    add('yaml-empty', 'the file holds no value (an empty or null document)');
    return makeParsed(file, kind, contentHash, undefined, diagnostics, positions);
  }
  if (!isPlainObject(data)) {
    add(
      'yaml-not-mapping',
      `the top-level value is ${describe(data)}, not a mapping of keys to values`,
      first.contents.range?.[0] ?? 0,
    );
    return makeParsed(file, kind, contentHash, undefined, diagnostics, positions);
  }
  return makeParsed(file, kind, contentHash, data, diagnostics, positions);
}

function makeParsed(
  file: string,
  kind: ParsedFile['kind'],
  contentHash: string,
  data: unknown,
  diagnostics: Diagnostic[],
  positions: () => { doc: Document; lineCounter: LineCounter } | undefined,
): ParsedFile {
  let known: Map<string, SourcePos> | undefined;
  return {
    file,
    kind,
    data,
    contentHash,
    diagnostics,
    positionOf(pointer: string, which: 'key' | 'value' = 'value'): SourcePos {
      const key = `${which} ${pointer}`;
      const memo = known?.get(key);
      if (memo) return { ...memo };
      const source = positions();
      const pos: SourcePos = source
        ? { file, ...positionInDocument(source.doc, source.lineCounter, pointer, which) }
        : { file, line: 1, column: 1 };
      (known ??= new Map()).set(key, pos);
      return { ...pos };
    },
  };
}

function yamlErrorCode(code: string): ErrorCode {
  if (code === 'DUPLICATE_KEY') return 'yaml-duplicate-key';
  if (code === 'TAB_AS_INDENT') return 'yaml-tab-indent';
  if (code === 'MULTIPLE_DOCS') return 'yaml-multiple-documents';
  return 'yaml-syntax';
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Map);
}

function isEmptyScalar(node: Node): boolean {
  return (
    !isCollection(node) && (node as { value?: unknown }).value === null && !('source' in node && node.source)
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a sequence';
  return `a ${typeof value}`;
}

/** The first collection nested deeper than MAX_DEPTH, found without recursion. */
function findTooDeep(root: Node): Node | undefined {
  const stack: { node: unknown; depth: number }[] = [{ node: root, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (!isCollection(node)) continue;
    if (depth > MAX_DEPTH) return node;
    for (const item of node.items) {
      if (isPair(item)) {
        stack.push({ node: item.key, depth: depth + 1 }, { node: item.value, depth: depth + 1 });
      } else {
        stack.push({ node: item, depth: depth + 1 });
      }
    }
  }
  return undefined;
}

function firstAliasOffset(text: string): number {
  const match = /(^|[\s[{,])\*[^\s,\]}]/.exec(text);
  return match ? match.index + match[1]!.length : 0;
}

/** Line and column (1-based, in characters) of the first byte that breaks UTF-8. */
function firstInvalidUtf8(bytes: Uint8Array): { line: number; column: number } {
  const decoded = new TextDecoder('utf-8').decode(bytes);
  const index = decoded.indexOf('\uFFFD');
  const before = decoded.slice(0, Math.max(0, index));
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: index - lineStart + 1 };
}
