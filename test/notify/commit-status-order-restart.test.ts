/**
 * Review finding (fixed): the commit-status sink kept "the last state set per (commit, context)" only in memory.
 * A delivery refused with a non-retryable 4xx (`rejected` does not pause the sink) is retried
 * after its backoff, while the later state of the same server goes out first. Within one run the
 * sink drops the older one as stale; after a daemon restart that memory is gone and the outbox
 * sends the old `pending` after `success`: the spec commit ends up showing `pending` for a server
 * that is ready. Real pieces: Notifier + outbox on a temp state dir, commitStatusSink over the real
 * @octokit/rest client against the GitHub fake that checks GitHub's REST description.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { GithubCommitStatus } from '../../src/forge/github-commit-status.js';
import { tokenReader } from '../../src/forge/forge-token.js';
import { commitStatusSink } from '../../src/notify/commit-status-sink.js';
import { Notifier } from '../../src/notify/notifier.js';
import { GithubApiFake } from '../support/github-api-fake.js';
import { commitOf, keptLogger, recordOf, until } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'cs-order-'));
const tokenFile = join(dir, 'token');
writeFileSync(tokenFile, 'github_pat_example\n');
let github: GithubApiFake;
const running: Notifier[] = [];
afterAll(async () => {
  for (const n of running) await n.stop();
  await github?.close();
});

async function start(stateDir: string): Promise<{ notifier: Notifier; lines: string[] }> {
  const { logger, lines } = keptLogger();
  const port = new GithubCommitStatus({
    apiUrl: github.url,
    owner: 'acme',
    repo: 'fleet',
    token: tokenReader(tokenFile),
    checks: false,
  });
  const notifier = await Notifier.start({
    stateDir,
    sinks: [
      {
        sink: commitStatusSink({
          name: 'gh',
          port,
          targetUrl: null,
          branch: 'main',
          stateFile: join(stateDir, 'notify', 'commit-status-gh.json'),
        }),
        filters: { severities: null, reasons: null, labels: null },
      },
    ],
    clock: systemClock,
    log: logger,
    maxAttempts: 10,
    backoffMs: 1_500,
    maxBackoffMs: 1_500,
    pollMs: 20,
  });
  running.push(notifier);
  return { notifier, lines };
}

const NAME = 'ns1001.ip-203-0-113.eu';
const A = commitOf(1);
const B = commitOf(2);
const cycle = (phase: 'ready' | 'reinstalling', commit: string, now: number) => ({
  records: [recordOf(NAME, phase, commit)],
  halts: [],
  revision: commit,
  planHash: null,
  now,
  labelsOf: () => ({}),
});

describe('commit status order across a restart', () => {
  it('never leaves an earlier state (pending) on the commit after a later one (success)', async () => {
    github = await GithubApiFake.start();
    const stateDir = join(dir, 'state');
    const first = await start(stateDir);
    const t0 = Date.now();
    first.notifier.observe(cycle('ready', A, t0)); // baseline: nothing announced
    await first.notifier.settled();

    // The forge refuses the pending status once (a 4xx: not retryable, the sink is not paused).
    github.failWith = 422;
    first.notifier.observe(cycle('reinstalling', B, t0 + 1_000));
    await until(() => first.lines.some((l) => l.includes('delivery failed')), 'the refused pending');
    github.failWith = null;

    // The server is ready: success goes out at once, before the pending's backoff ends.
    first.notifier.observe(cycle('ready', B, t0 + 2_000));
    await until(() => github.statuses.some((s) => s.state === 'success'), 'the success status');

    // The daemon restarts before the pending is retried.
    await first.notifier.stop();
    await start(stateDir);
    await new Promise((r) => setTimeout(r, 2_500)); // past the backoff: the outbox retries

    expect(github.violations).toEqual([]);
    const onB = github.statuses.filter((s) => s.sha === B).map((s) => s.state);
    expect(onB.at(-1), `states set on the spec commit, in order: ${onB.join(' → ')}`).toBe('success');
  }, 20_000);
});
