import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply-plan.js';
import type { ApplyEvent } from '../../src/apply/apply-types.js';
import { IntentJournal } from '../../src/apply/intent-journal.js';
import { TaskDurations } from '../../src/apply/task-durations.js';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import { FakeOvhApi } from '../support/fake-ovh-api.js';
import {
  FAST_FOLLOW,
  FAST_POST,
  digestOf,
  entry,
  makeDeps,
  makeSpec,
  planOf,
  policyWith,
  tempStateDir,
} from './helpers.js';

const names = (n: number) => Array.from({ length: n }, (_, i) => `ns${500 + i}.ip-51-75-1.eu`);

function fleet(count: number) {
  const clock = new VirtualClock();
  const api = new FakeOvhApi(clock);
  const servers = names(count);
  for (const sn of servers) api.addServer(sn);
  return { clock, api, servers, specs: servers.map((sn) => makeSpec(sn)) };
}

const opts = (wait = true) => ({ wait, follower: FAST_FOLLOW, post: FAST_POST });

describe('applyPlan', () => {
  it('posts each reinstall once, follows it to done and records it in the journal', async () => {
    const { clock, api, servers, specs } = fleet(3);
    const deps = await makeDeps(api, clock, specs);

    const report = await clock.runUntil(
      applyPlan(planOf(servers.map((s) => entry(s))), deps, opts()),
      3_600_000,
      1_000,
    );
    const journal = await deps.journal.read();

    expect(report.outcomes.map((o) => [o.result, o.code, o.posted])).toEqual(
      servers.map(() => ['done', 'reinstall-done', true]),
    );
    expect(api.posts()).toHaveLength(3);
    expect(api.posts().every((c) => c.priority === 'write')).toBe(true);
    expect(journal.entries.map((e) => e.state)).toEqual(['finished', 'finished', 'finished']);
  });

  it('adds the durations of the tasks it saw end to the durations it was given (the daemon keeps one for its lifetime)', async () => {
    const { clock, api, servers, specs } = fleet(2);
    const durations = new TaskDurations();

    await clock.runUntil(
      applyPlan(planOf(servers.map((s) => entry(s))), await makeDeps(api, clock, specs), {
        ...opts(),
        durations,
      }),
      3_600_000,
      1_000,
    );

    expect(durations.median()).toBeGreaterThan(0);
  });

  it('follows a posted task from our clock at the POST’s answer: OVHcloud’s clock 2 min behind costs no extra look', async () => {
    const looks = async (apiClockAheadMs: number): Promise<number> => {
      const { clock, api, servers, specs } = fleet(1);
      api.apiClockAheadMs = apiClockAheadMs;
      const durations = new TaskDurations();
      durations.add(2 * api.queueMs + api.installMs); // the run knows how long a reinstall takes
      await clock.runUntil(
        applyPlan(planOf([entry(servers[0]!)]), await makeDeps(api, clock, specs), {
          wait: true,
          post: FAST_POST,
          durations,
        }),
        3_600_000,
        1_000,
      );
      return api.calls.filter((c) => c.method === 'getTask' || c.method === 'getInstallProgress').length;
    };

    expect(await looks(-2 * 60_000)).toBe(await looks(0));
  });

  it('without --wait, posts and reports the tasks running', async () => {
    const { clock, api, servers, specs } = fleet(2);

    const report = await clock.runUntil(
      applyPlan(planOf(servers.map((s) => entry(s))), await makeDeps(api, clock, specs), opts(false)),
      3_600_000,
      100,
    );

    expect(report.outcomes.map((o) => [o.result, o.code])).toEqual([
      ['running', 'reinstall-started'],
      ['running', 'reinstall-started'],
    ]);
  });

  it('refuses a plan whose hash differs from the reviewed one', async () => {
    const { clock, api, servers, specs } = fleet(1);

    const run = applyPlan(planOf([entry(servers[0]!)], 'sha256:new'), await makeDeps(api, clock, specs), {
      ...opts(),
      planHash: 'sha256:old',
    });

    await expect(run).rejects.toMatchObject({ code: 'plan-hash-mismatch' });
    expect(api.posts()).toHaveLength(0);
  });

  it('applies the valid servers of a plan that has invalid ones', async () => {
    const { clock, api, servers, specs } = fleet(2);
    const plan = planOf([
      entry(servers[0]!),
      entry(servers[1]!, 'invalid', 'invalid-spec', { digest: null }),
    ]);

    const report = await clock.runUntil(
      applyPlan(plan, await makeDeps(api, clock, specs), opts()),
      3_600_000,
      1_000,
    );

    expect(report.outcomes.map((o) => o.serviceName)).toEqual([servers[0]]);
    expect(api.posts().map((c) => c.serviceName)).toEqual([servers[0]]);
  });

  it('adopts a running task (TaskAlreadyExists or seen in preflight) instead of posting', async () => {
    const { clock, api, servers, specs } = fleet(1);
    api.startForeignTask(servers[0]!, 'ubuntu2404-server_64');

    const report = await clock.runUntil(
      applyPlan(planOf([entry(servers[0]!)]), await makeDeps(api, clock, specs), opts()),
      3_600_000,
      1_000,
    );

    expect(api.posts()).toHaveLength(0);
    expect(report.outcomes[0]).toMatchObject({
      result: 'done',
      code: 'task-adopted',
      adopted: true,
      posted: false,
    });
  });

  it('resolves an ambiguous POST failure after it took effect: adopts the task it created', async () => {
    const { clock, api, servers, specs } = fleet(1);
    api.postFaults = ['after'];

    const report = await clock.runUntil(
      applyPlan(planOf([entry(servers[0]!)]), await makeDeps(api, clock, specs), opts()),
      3_600_000,
      1_000,
    );

    expect(api.posts()).toHaveLength(1);
    expect(api.tasks).toHaveLength(1);
    expect(report.outcomes[0]).toMatchObject({ result: 'done', posted: true, taskId: api.tasks[0]!.taskId });
  });

  it('after an ambiguous POST failure that created nothing, posts again only once the task list is settled', async () => {
    const { clock, api, servers, specs } = fleet(1);
    const stateDir = await tempStateDir();
    api.postFaults = ['before'];
    // Our clock runs 5 minutes ahead of OVHcloud's: task dates and settling are in OVHcloud's alone.
    api.apiClockAheadMs = -5 * 60_000;
    const plan = planOf([entry(servers[0]!)]);
    const run = async () =>
      clock.runUntil(applyPlan(plan, await makeDeps(api, clock, specs, {}, stateDir), opts()), 3_600_000, 10);
    const advanceTo = (at: number) => clock.advance(Math.max(0, at - clock.now()));

    const first = await run();
    const intent = (await new IntentJournal(stateDir, clock).read()).entries[0]!;
    await advanceTo(intent.createdAtMs + 9 * 60_000);
    const early = await run();
    await advanceTo(intent.createdAtMs + 11 * 60_000);
    const settled = await run();

    expect(first.outcomes[0]).toMatchObject({ result: 'not-started', code: 'reinstall-unconfirmed' });
    expect(early.outcomes[0]).toMatchObject({ result: 'not-started', code: 'reinstall-unconfirmed' });
    expect(settled.outcomes[0]).toMatchObject({ result: 'done', posted: true, taskId: api.tasks[0]!.taskId });
    expect(api.posts()).toHaveLength(2);
    expect(api.tasks).toHaveLength(1);
  });

  it('after a crash between intent and answer, adopts the task the lost POST created and never posts again', async () => {
    const { clock, api, servers, specs } = fleet(1);
    const stateDir = await tempStateDir();
    const journal = new IntentJournal(stateDir, clock);
    await journal.create({
      serviceName: servers[0]!,
      digest: digestOf(servers[0]!),
      planHash: 'sha256:plan',
      revision: 'abc',
      operatingSystem: 'debian12_64',
      priorTaskIds: [],
    });
    const taskId = api.startForeignTask(servers[0]!, 'debian12_64'); // the POST went through, the answer was lost

    const plan = planOf([entry(servers[0]!)]);
    const first = await clock.runUntil(
      applyPlan(plan, await makeDeps(api, clock, specs, {}, stateDir), opts()),
      3_600_000,
      1_000,
    );
    const second = await clock.runUntil(
      applyPlan(plan, await makeDeps(api, clock, specs, {}, stateDir), opts()),
      3_600_000,
      1_000,
    );

    expect(api.posts()).toHaveLength(0);
    expect(first.outcomes[0]).toMatchObject({ result: 'done', code: 'reinstall-done', taskId });
    expect(second.outcomes[0]).toMatchObject({ result: 'done', code: 'reinstall-done', posted: false });
  });

  it('blocks a server whose secret is missing, naming the variable', async () => {
    const { clock, api, servers } = fleet(1);
    const spec = makeSpec(servers[0]!, 'debian12_64', {
      customizations: { imageURL: { kind: 'env', name: 'FLEET_SECRET_IMAGE_URL' } },
    });

    const report = await clock.runUntil(
      applyPlan(planOf([entry(servers[0]!)]), await makeDeps(api, clock, [spec]), opts()),
      60_000,
      100,
    );

    expect(report.outcomes[0]).toMatchObject({ result: 'not-started', code: 'secret-missing' });
    expect(report.outcomes[0]!.message).toContain('FLEET_SECRET_IMAGE_URL');
  });

  it.each([
    [
      'the template is past endOfInstall',
      { compatible: ['debian11_64'] },
      'debian11_64',
      'preflight-template-ended',
    ],
    [
      'the OS is not compatible any more',
      { compatible: ['debian11_64'] },
      'debian12_64',
      'preflight-os-incompatible',
    ],
    ['the server is not ok', { state: 'hacked' as const }, 'debian12_64', 'preflight-server-state'],
  ])('does not post when %s', async (_name, server, os, code) => {
    const { clock, api, servers } = fleet(1);
    api.addServer(servers[0]!, server);

    const report = await clock.runUntil(
      applyPlan(
        planOf([entry(servers[0]!)]),
        await makeDeps(api, clock, [makeSpec(servers[0]!, os)]),
        opts(),
      ),
      60_000,
      100,
    );

    expect(report.outcomes[0]).toMatchObject({ result: 'not-started', code });
    expect(api.posts()).toHaveLength(0);
  });

  it('re-checks windows at start: a plan made at 05:59 for a window closing at 06:00 starts nothing at 06:01', async () => {
    const { api, servers, specs } = fleet(1);
    const clock = new VirtualClock(Date.UTC(2026, 0, 3, 6, 1)); // Saturday 06:01 UTC
    const window = { cron: '0 2 * * 6', durationMs: 4 * 3_600_000, timezone: 'UTC' };
    const deps = await makeDeps(api, clock, specs, { policy: policyWith({ windows: [window] }) });

    const report = await clock.runUntil(applyPlan(planOf([entry(servers[0]!)]), deps, opts()), 60_000, 100);

    expect(report.outcomes[0]).toMatchObject({ result: 'not-started', code: 'window-closed' });
    expect(api.posts()).toHaveLength(0);
  });

  it('starts nothing new when the history was rewritten, but still follows running tasks', async () => {
    const { clock, api, servers, specs } = fleet(2);
    api.startForeignTask(servers[1]!, 'debian12_64');
    const plan = planOf([entry(servers[0]!), entry(servers[1]!, 'follow', 'task-in-progress')]);

    const report = await clock.runUntil(
      applyPlan(plan, await makeDeps(api, clock, specs, { historyRewritten: true }), opts()),
      3_600_000,
      1_000,
    );

    expect(report.outcomes.map((o) => [o.serviceName, o.result, o.code])).toEqual([
      [servers[0], 'not-started', 'history-rewritten'],
      [servers[1], 'done', 'task-adopted'],
    ]);
  });

  it('keeps maxConcurrent and per-label limits at every moment and starts held reinstalls as slots free', async () => {
    const { clock, api, servers, specs } = fleet(8);
    const plan = planOf(
      servers.map((s, i) =>
        entry(s, i < 2 ? 'reinstall' : 'deferred', i < 2 ? 'spec-changed' : 'concurrency-limit', {
          labels: { rack: `r${i % 2}` },
        }),
      ),
    );
    const deps = await makeDeps(api, clock, specs, {
      policy: policyWith({ maxConcurrent: 3, maxConcurrentPerLabel: { rack: 1 } }),
    });
    let peak = 0;
    const running = new Set<string>();
    deps.onEvent = (e: ApplyEvent) => {
      if (e.type === 'started') running.add(e.serviceName);
      if (e.type === 'outcome') running.delete(e.outcome.serviceName);
      peak = Math.max(peak, running.size);
    };

    const report = await clock.runUntil(applyPlan(plan, deps, opts()), 10 * 3_600_000, 1_000);

    expect(report.outcomes.every((o) => o.result === 'done')).toBe(true);
    expect(peak).toBe(2); // two racks, one each
    expect(api.posts()).toHaveLength(8);
  });

  it('opens the circuit breaker after maxFailures failures and says so', async () => {
    const { clock, api, servers, specs } = fleet(5);
    for (const sn of servers)
      api.servers.get(sn)!.failWith = { status: 'ovhError', comment: 'Could not download image' };
    const plan = planOf(
      servers.map((s, i) =>
        entry(s, i === 0 ? 'reinstall' : 'deferred', i === 0 ? 'spec-changed' : 'concurrency-limit'),
      ),
    );
    const events: ApplyEvent[] = [];
    const deps = await makeDeps(api, clock, specs, {
      policy: policyWith({ maxConcurrent: 1, maxFailures: 2 }),
      onEvent: (e) => events.push(e),
    });

    const report = await clock.runUntil(applyPlan(plan, deps, opts()), 10 * 3_600_000, 1_000);

    expect(report.outcomes.map((o) => o.code)).toEqual([
      'reinstall-failed',
      'reinstall-failed',
      'circuit-open',
      'circuit-open',
      'circuit-open',
    ]);
    expect(report.circuitOpen).toBe(true);
    expect(events.filter((e) => e.type === 'circuit-open')).toHaveLength(1);
    expect(api.posts()).toHaveLength(2);
  });

  it('stops at the hourly budget counted from the journal', async () => {
    const { clock, api, servers, specs } = fleet(3);
    const deps = await makeDeps(api, clock, specs, { policy: policyWith({ maxPerHour: 2 }) });

    const report = await clock.runUntil(
      applyPlan(planOf(servers.map((s) => entry(s))), deps, opts(false)),
      60_000,
      100,
    );

    expect(report.outcomes.map((o) => o.code)).toEqual([
      'reinstall-started',
      'reinstall-started',
      'budget-exhausted',
    ]);
  });
});
