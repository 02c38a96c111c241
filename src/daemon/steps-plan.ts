/**
 * The planning steps of a cycle: put the status records the planner must see into the working
 * tree (from the status branch, or from the daemon's memory when a file is corrupted), read +
 * validate + observe + plan through the shared readPlanInput/makePlan, then apply with the intent
 * journal. They fill the cycle state; none writes status.
 */
import { linkMessage, linkOnPath, readConfined, writeConfined } from '../core/confined-file.js';
import { FleetError } from '../core/errors.js';
import { isServiceName } from '../core/service-name.js';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { historyFromRecords } from '../apply/rollout-history.js';
import { applyPlan } from '../apply/apply-plan.js';
import { isOpenIntent } from '../apply/intent-journal.js';
import type { ApplyEvent } from '../apply/apply-types.js';
import { canonicalizeSpec, specDigest } from '../plan/digest.js';
import { makePlan } from '../plan/make-plan.js';
import { readPlanInput } from '../plan/observe.js';
import { recordHistoryFrom } from '../plan/recover-records.js';
import { hashBytes } from '../specs/parse-file.js';
import { readFleet } from '../specs/read-fleet.js';
import { parseStatusRecord, serializeStatusRecord } from '../status/status-record.js';
import { resolveSharedIntents } from '../apply/resolve-shared-intents.js';
import { GitIntentClaimer, readSharedIntents } from '../git/intent-record.js';
import type { StatusRecord } from '../status/types.js';
import { trustedRecordHistory } from './trusted-records.js';
import type { CycleContext, CycleSharedIntents, CycleStep } from './types.js';

/**
 * Makes `status/` of the working tree hold the records the planner must see: with a separate
 * status branch, the files of that branch; and any record that is missing or corrupted while the
 * daemon knows it is restored from memory (the status step then commits the repaired file).
 */
export const restoreRecords: CycleStep = async (ctx) => {
  const { rt } = ctx;
  refuseLinkedRoot(rt);
  const statusDir = path.join(rt.root, 'status');
  const separate =
    rt.config.status.branch !== null && rt.config.status.branch !== rt.config.repository.branch;
  const statusRev = separate ? await rt.git.statusHead() : null;
  const names = new Set(rt.memory.records.keys());
  if (statusRev !== null && names.size === 0) {
    // First cycle with a separate status branch: the servers the specs name.
    const fleet = await readFleet(rt.root, { secrets: rt.secretRule });
    for (const spec of fleet.specs) names.add(spec.serviceName);
    for (const invalid of fleet.invalid) if (invalid.serviceName) names.add(invalid.serviceName);
  }
  let restored = 0;
  for (const name of names) {
    if (!isServiceName(name)) continue; // never a file name
    const rel = `status/${name}.yaml`;
    // No link followed, either way (core/confined-file.ts): status/ may be a committed link.
    const read = readConfined(rt.root, rel, 64 * 1024 * 1024);
    const inTree = read.ok ? read.bytes.toString('utf8') : null;
    let text = inTree;
    if (statusRev !== null) {
      const fromBranch = await rt.git.readFileAt(statusRev, `${rt.prefix}status/${name}.yaml`);
      if (fromBranch !== null) text = fromBranch;
    }
    const known = rt.memory.records.get(name);
    if (!usable(rt, name, text) && known) {
      text = serializeStatusRecord(known);
      ctx.state.repaired.add(name);
      ctx.log.warn(
        { serviceName: name, code: 'status-record-invalid' },
        'status record missing or corrupted: restored',
      );
    }
    if (text === null || text === inTree) continue;
    try {
      await mkdir(statusDir, { recursive: true });
      writeConfined(rt.root, rel, text);
    } catch (error) {
      ctx.log.warn(
        { serviceName: name, code: 'symlink-refused', err: (error as Error).message },
        'status record not restored',
      );
      continue;
    }
    restored++;
  }
  if (statusRev !== null) ctx.log.debug({ restored }, 'status records taken from the status branch');
  return 'continue';
};

/** True when `text` holds a valid record: known by its hash, else parsed. */
function usable(rt: CycleContext['rt'], name: string, text: string | null): boolean {
  if (text === null) return false;
  if (rt.recordCache.get(name, hashBytes(text)) !== undefined) return true;
  return parseStatusRecord(text, `status/${name}.yaml`).record !== undefined;
}

/**
 * Throws `symlink-refused` when `repository.path` passes through a symbolic link of the clone:
 * the whole fleet would then be read from (and status written to) wherever it points.
 */
function refuseLinkedRoot(rt: CycleContext['rt']): void {
  if (rt.prefix === '') return;
  const link = linkOnPath(rt.cloneDir, rt.prefix.replace(/\/$/, ''));
  if (link) {
    throw new FleetError(
      'symlink-refused',
      `repository.path: ${linkMessage(rt.prefix.replace(/\/$/, ''), link.component)}; nothing is read or applied`,
    );
  }
}

/** Reads, validates, observes and plans (the same function as `ovh-fleet plan`). */
export const planChanges: CycleStep = async (ctx) => {
  const { rt, state } = ctx;
  refuseLinkedRoot(rt);
  const gathered = await readPlanInput({
    repo: rt.root,
    api: rt.api,
    cache: rt.cache,
    clock: rt.clock,
    revision: state.head as string,
    readCache: rt.readCache,
    recordCache: rt.recordCache,
    // Under verification, only versions the daemon wrote (trusted-records.ts).
    recordHistory: trustedRecordHistory(
      recordHistoryFrom(rt.git, (await rt.git.statusHead()) ?? (state.head as string), rt.prefix),
      rt.config.verify.allowedSignersFile === null ? null : rt.memory.trustedRecords,
    ),
    parallel: false,
    secrets: rt.secretRule,
    onPolicy: (policy) => {
      rt.memory.requestsPerMinute = policy.api.requestsPerMinute;
      rt.setRequestsPerMinute?.(policy.api.requestsPerMinute);
    },
  });
  state.gathered = gathered;
  state.shared = await readSharedRecord(ctx, gathered.input.applied);
  state.plan = makePlan({ ...gathered.input, applied: state.shared.applied });
  const digests = new Set<string>();
  for (const spec of gathered.input.specs) {
    state.specs.set(spec.serviceName, spec);
    const digest = specDigest(spec);
    digests.add(digest);
    if (!rt.memory.canonical.has(digest)) rt.memory.canonical.set(digest, canonicalizeSpec(spec));
  }
  // Keep the canonical specs of today's specs and of the attempts the records still follow;
  // older ones are never asked for again (and a restarted daemon starts without any).
  for (const record of rt.memory.records.values())
    if (record.lastAttempt) digests.add(record.lastAttempt.digest);
  for (const digest of rt.memory.canonical.keys())
    if (!digests.has(digest)) rt.memory.canonical.delete(digest);
  const { summary, planHash } = state.plan;
  ctx.log.info({ planHash, summary, apiErrors: gathered.apiErrors }, 'plan made');
  for (const d of gathered.input.diagnostics.filter((x) => x.severity === 'error').slice(0, 50)) {
    ctx.log.warn({ code: d.code, file: d.file, line: d.line }, 'spec problem');
  }
  for (const [serviceName, commit] of gathered.recoveredRecords) {
    ctx.log.warn(
      { serviceName, code: 'status-record-recovered', commit },
      'status record missing or unreadable: its last valid version in git history stands in',
    );
  }
  return 'continue';
};

/**
 * Applies the plan without waiting (running tasks are followed between cycles): posts what the
 * limits allow, resolves the journal's open intents, adopts running tasks. A blocked cycle
 * (history rewritten, bad signature) starts nothing new but still follows.
 */
export const applyChanges: CycleStep = async (ctx) => {
  const { rt, state } = ctx;
  const plan = state.plan;
  const gathered = state.gathered;
  if (!plan || !gathered) return 'continue';
  const open = (await rt.journal.read()).entries.some(isOpenIntent);
  if (plan.summary.reinstall === 0 && plan.summary.follow === 0 && !open) return 'continue';
  if (rt.stopSignal.aborted) return 'continue';
  state.report = await applyPlan(
    plan,
    {
      api: rt.api,
      clock: rt.clock,
      journal: rt.journal,
      specs: state.specs,
      env: rt.env,
      secretRule: rt.secretRule,
      policy: gathered.input.policy,
      history: historyFromRecords(gathered.input.applied, plan),
      records: gathered.input.applied,
      historyRewritten: state.block !== null,
      logger: ctx.log,
      onEvent: (event) => onApplyEvent(ctx, event),
      signal: rt.stopSignal,
      ...(state.shared
        ? {
            shared: {
              claimer: new GitIntentClaimer(rt.git, state.shared.base, rt.config.commit, rt.prefix),
              writer: rt.writer,
              holds: state.shared.holds,
            },
          }
        : {}),
    },
    {
      wait: false,
      ...(rt.follower ? { follower: rt.follower } : {}),
      ...(rt.post ? { post: rt.post } : {}),
    },
  );
  if (state.report.outcomes.some((o) => o.code === 'intent-race-lost')) rt.memory.raceLost = true;
  return 'continue';
};

/**
 * The shared record of intent at the status revision this cycle read (the CAS base of its intent
 * commit): the attempts of every writer resolved into the records, and the servers to hold.
 */
async function readSharedRecord(
  ctx: CycleContext,
  applied: ReadonlyMap<string, StatusRecord>,
): Promise<CycleSharedIntents> {
  const { rt, state } = ctx;
  const base = (await rt.git.statusHead()) ?? (state.head as string);
  const { intents, problems } = await readSharedIntents(rt.git, base, rt.prefix);
  for (const p of problems)
    ctx.log.warn({ file: p.file, code: 'status-record-invalid' }, `shared intent unreadable: ${p.message}`);
  const files = new Map((state.gathered?.input.specs ?? []).map((spec) => [spec.serviceName, spec.file]));
  const resolved = await resolveSharedIntents({
    intents,
    applied,
    observed: state.gathered?.input.observed,
    api: rt.api,
    now: rt.clock.now(),
    writer: rt.writer,
    specCommitOf: async (intent) => {
      const file = files.get(intent.serviceName);
      if (file === undefined) return null;
      const path = `${rt.prefix}${file}`;
      return (await rt.git.lastCommitsTouching([path], intent.revision)).get(path) ?? null;
    },
  });
  for (const name of resolved.resolved)
    ctx.log.info({ serviceName: name }, 'attempt of another writer recorded from the shared record');
  for (const [name, why] of resolved.holds) ctx.log.info({ serviceName: name, why }, 'held: another writer');
  return { base, applied: resolved.applied, holds: resolved.holds };
}

function onApplyEvent(ctx: CycleContext, event: ApplyEvent): void {
  const { metrics, memory } = ctx.rt;
  switch (event.type) {
    case 'started':
      ctx.log.info(
        { serviceName: event.serviceName, taskId: event.taskId, posted: event.posted },
        'reinstall task tracked',
      );
      if (event.posted) metrics.reinstalls.inc({ result: 'started' });
      break;
    case 'progress':
      memory.progress.set(event.progress.serviceName, event.progress);
      break;
    case 'outcome': {
      const o = event.outcome;
      const log = ctx.log.child({ serviceName: o.serviceName });
      if (o.result === 'done' || o.result === 'failed') {
        if (o.digest !== null && !o.adopted) metrics.reinstalls.inc({ result: o.result });
        memory.progress.delete(o.serviceName);
      }
      const level = o.result === 'failed' ? 'error' : 'info';
      log[level]({ code: o.code, result: o.result, taskId: o.taskId }, 'apply outcome');
      break;
    }
    case 'circuit-open':
      ctx.log.warn({ failures: event.failures, maxFailures: event.maxFailures }, 'circuit breaker open');
      break;
    case 'journal-problem': {
      const fields = {
        code: 'journal-entry-corrupt',
        file: event.problem.file,
        serviceName: event.problem.serviceName,
        reason: event.problem.message,
      };
      if (event.quarantinedTo === null)
        ctx.log.error(fields, 'intent journal entry unreadable: blocks its server');
      else
        ctx.log.warn(
          { ...fields, movedTo: event.quarantinedTo },
          'intent journal entry unreadable: moved aside',
        );
      break;
    }
  }
}
