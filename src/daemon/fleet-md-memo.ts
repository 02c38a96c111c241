/**
 * What the record step keeps of FLEET.md between cycles, so that a cycle with nothing changed
 * neither renders the 10,000-row table again nor reads the file to compare: the text rendered
 * for the very same record objects (the record step reuses the tree's record object whenever the
 * built one equals it), and the file's text as read under a content key (the commit the clean
 * clone is proven to hold, src/git/clone-memo.ts). renderFleetMd stays pure; this only remembers.
 */
import type { StatusRecord } from '../records/types.js';
import { renderFleetMd } from '../status/fleet-md.js';

/** See the file's comment. One per daemon. */
export class FleetMdMemo {
  private rendered: { records: readonly StatusRecord[]; text: string } | undefined;
  private inTree: { key: string; text: string | null } | undefined;

  /** renderFleetMd(records), rendered again only when one record object differs from the last call's. */
  render(records: Iterable<StatusRecord>): string {
    const list = [...records];
    const last = this.rendered;
    if (last && last.records.length === list.length && list.every((r, i) => r === last.records[i]))
      return last.text;
    const text = renderFleetMd(list);
    this.rendered = { records: list, text };
    return text;
  }

  /**
   * The tree's FLEET.md: `read()`, unless it was read under the same content key before. The
   * text is kept only when the key is the same after the read (nothing wrote the tree meanwhile).
   */
  async current(
    contentKey: () => string | undefined,
    read: () => Promise<string | null>,
  ): Promise<string | null> {
    const key = contentKey();
    if (key !== undefined && this.inTree?.key === key) return this.inTree.text;
    const text = await read();
    this.inTree = key !== undefined && contentKey() === key ? { key, text } : undefined;
    return text;
  }
}
