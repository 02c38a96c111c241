/**
 * Mapping a JSON pointer (as ajv's `instancePath` gives it) back to a line and column of the YAML
 * document: walk YAMLMap pairs and YAMLSeq items, stop at the deepest node that exists.
 */
import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

/** Splits a JSON pointer into its unescaped segments (`~1` is `/`, `~0` is `~`). */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return pointer === '/' ? [''] : [];
  return pointer
    .replace(/^\//, '')
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Escapes one segment for a JSON pointer. */
export function escapeSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * The 1-based position of `pointer` in `doc`: the value node, or with `which: 'key'` the key that
 * holds it; for a path that does not exist, the deepest existing parent.
 */
export function positionInDocument(
  doc: Document,
  lineCounter: LineCounter,
  pointer: string,
  which: 'key' | 'value',
): { line: number; column: number } {
  let node: Node | null | undefined = doc.contents as Node | null;
  let keyNode: Node | undefined;
  let best: Node | undefined = node ?? undefined;
  const segments = pointerSegments(pointer);
  for (let i = 0; i < segments.length && node; i++) {
    const segment = segments[i]!;
    let next: Node | null | undefined;
    keyNode = undefined;
    if (isMap(node)) {
      const items: unknown[] = node.items;
      const pair = items.find((p) => isPair(p) && keyText(p.key) === segment);
      if (isPair(pair)) {
        keyNode = pair.key as Node;
        next = (pair.value as Node | null) ?? undefined;
        // `a:` with no value has a null Scalar with a zero-width range: point at the key instead.
        if (!next || !next.range || next.range[0] === next.range[1]) next = keyNode;
      }
    } else if (isSeq(node) && /^(0|[1-9][0-9]*)$/.test(segment)) {
      next = node.items[Number(segment)] as Node | undefined;
    }
    if (!next) break;
    best = i === segments.length - 1 && which === 'key' && keyNode ? keyNode : next;
    node = next;
  }
  const offset = best?.range?.[0] ?? 0;
  const p = lineCounter.linePos(offset);
  return { line: p.line, column: p.col };
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}
