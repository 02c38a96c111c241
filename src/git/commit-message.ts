/**
 * Status commit messages: subject, body and trailers (`Fleet-Server:` …), built and parsed
 * without git so that both directions are plain functions.
 */
import { FleetError } from '../core/errors.js';
import type { Trailer } from './git-repo.js';

/** The trailer keys ovh-fleet writes on status commits. */
export const FLEET_TRAILERS = {
  server: 'Fleet-Server',
  task: 'Fleet-Task',
  specCommit: 'Fleet-Spec-Commit',
  planHash: 'Fleet-Plan-Hash',
} as const;

const TRAILER_KEY = /^[A-Za-z0-9][A-Za-z0-9-]*$/;

/**
 * The full message: subject, blank line, body (when any), blank line, one `Key: value` line per
 * trailer. Refuses a multi-line subject, bad trailer keys and values with line breaks, which
 * would let text pose as a trailer.
 */
export function buildCommitMessage(subject: string, body: string, trailers: readonly Trailer[]): string {
  const refuse = (what: string): never => {
    throw new FleetError('git-command-failed', `status commit message refused: ${what}`);
  };
  if (subject.trim() === '' || /[\r\n]/.test(subject)) refuse('the subject must be one non-empty line');
  for (const t of trailers) {
    if (!TRAILER_KEY.test(t.key)) refuse(`trailer key ${JSON.stringify(t.key)}`);
    if (/[\r\n]/.test(t.value) || t.value.trim() === '') refuse(`trailer ${t.key} value must be one line`);
  }
  const parts = [subject.trim()];
  const cleanBody = body.replace(/\r\n/g, '\n').trim();
  if (cleanBody !== '') parts.push(cleanBody);
  if (trailers.length > 0) parts.push(trailers.map((t) => `${t.key}: ${t.value.trim()}`).join('\n'));
  return `${parts.join('\n\n')}\n`;
}

/** Parses git's `%(trailers:only,unfold)` output (`Key: value` lines) into trailers, in order. */
export function parseTrailerLines(text: string): Trailer[] {
  const out: Trailer[] = [];
  for (const raw of text.split('\n')) {
    // Split at the first colon by hand: `^(key):\s*(.*)$` backtracks quadratically on a long run
    // of spaces before a line separator (test/core/regex-safety.test.ts). Same lines match.
    const line = raw.trim();
    const colon = line.indexOf(':');
    if (colon < 1 || !TRAILER_KEY.test(line.slice(0, colon))) continue;
    const value = line.slice(colon + 1).replace(/^\s+/, '');
    if (/[\r\u2028\u2029]/.test(value)) continue;
    out.push({ key: line.slice(0, colon), value: value.trim() });
  }
  return out;
}

/** The values of every trailer with `key` (case-insensitive, as git compares keys). */
export function trailerValues(trailers: readonly Trailer[], key: string): string[] {
  const lower = key.toLowerCase();
  return trailers.filter((t) => t.key.toLowerCase() === lower).map((t) => t.value);
}

/**
 * True when a push failed because the remote branch moved (someone pushed in between): the only
 * rejection worth fetching and retrying. simple-git's GitError has no exit code, so this reads
 * the message, which LC_ALL=C keeps in English. A hook or branch protection refusal is not one.
 */
export function isPushRace(message: string): boolean {
  return (
    /\[rejected\].*\((fetch first|non-fast-forward)\)/.test(message) ||
    /\(failed to update ref\)|\(failed to lock\)|cannot lock ref|incorrect old value|stale info/.test(message)
  );
}
