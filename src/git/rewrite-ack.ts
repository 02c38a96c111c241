/**
 * `status/ack-rewrite.yaml`: an operator's acknowledgement that the branch was rewritten on
 * purpose (`ovh-fleet ack-rewrite REVISION`). The daemon applies again once the acknowledged
 * revision is the new head or one of its ancestors, and is newer than the last applied head. With
 * verify.allowedSignersFile, the commit that last wrote the file must be signed (src/git/trust.ts).
 */
import { parse, stringify } from 'yaml';
import { checkYamlText } from '../core/yaml-guard.js';

/** What the file says. */
export interface RewriteAck {
  /** Full commit id of the rewritten head the operator accepts. */
  revision: string;
  /** Who acknowledged it (git identity). */
  by: string;
  /** ISO time of the acknowledgement. */
  at: string;
}

/** The file's text. */
export function renderRewriteAck(ack: RewriteAck): string {
  return `# Written by ovh-fleet ack-rewrite; do not edit.\n${stringify({ apiVersion: 'ovh-fleet/v1', kind: 'RewriteAck', ...ack })}`;
}

/** The acknowledged revision, or null when the text is absent or not an acknowledgement. */
export function parseRewriteAck(text: string | null): RewriteAck | null {
  if (text === null || checkYamlText(text)) return null;
  try {
    const data = parse(text) as Record<string, unknown> | null;
    if (!data || data.kind !== 'RewriteAck' || typeof data.revision !== 'string') return null;
    if (!/^[0-9a-f]{40}$/.test(data.revision)) return null;
    return { revision: data.revision, by: String(data.by ?? ''), at: String(data.at ?? '') };
  } catch {
    return null;
  }
}
