/**
 * Reading the shared record of intent before planning (used by the daemon's plan step and by
 * `ovh-fleet apply`): the markers of every writer at the status revision `base` (the CAS base of
 * the next intent commit), resolved into the status records the plan reads (src/apply/
 * resolve-shared-intents.ts). The callers report the unreadable markers their own way.
 */
import type { SharedIntentProblem } from '../apply/shared-intents.js';
import { resolveSharedIntents, type ResolvedSharedIntents } from '../apply/resolve-shared-intents.js';
import type { Clock } from '../core/clock.js';
import type { GitRepo } from '../git/git-repo.js';
import { readSharedIntents } from '../git/intent-record.js';
import type { OvhApi } from '../ovh/ovh-api.js';
import type { PlanInput } from '../plan/types.js';

/** What reading the shared record found. */
export interface SharedRecordRead {
  resolved: ResolvedSharedIntents;
  /** Markers that could not be read (each a file and why). */
  problems: SharedIntentProblem[];
}

/** Reads the markers at `base` and resolves them into `input.applied`. */
export async function readSharedRecord(
  git: Pick<GitRepo, 'listFilesAt' | 'lastCommitsTouching'>,
  at: { base: string; prefix: string },
  input: { planInput: PlanInput; api: OvhApi; clock: Clock; writer: string },
): Promise<SharedRecordRead> {
  const { planInput } = input;
  const { intents, problems } = await readSharedIntents(git, at.base, at.prefix);
  const files = new Map(planInput.specs.map((spec) => [spec.serviceName, spec.file]));
  const resolved = await resolveSharedIntents({
    intents,
    applied: planInput.applied,
    observed: planInput.observed,
    api: input.api,
    now: input.clock.now(),
    writer: input.writer,
    specCommitOf: async (intent) => {
      const file = files.get(intent.serviceName);
      if (file === undefined) return null;
      const path = `${at.prefix}${file}`;
      return (await git.lastCommitsTouching([path], intent.revision)).get(path) ?? null;
    },
  });
  return { resolved, problems };
}
