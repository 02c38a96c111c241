/**
 * Every command honours the fleet's request budget: `plan`, `validate` and `status` read
 * fleet.yaml's `api` section before they call the API (src/cli/fleet-budget.ts), and say which
 * budget they use in a debug log line. Real command-line processes (dist/) against the simulator
 * over HTTPS; `status` also shows the budget and the sweep's longest time unseen without a daemon.
 */
import { execFile } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFleetBudget } from '../../src/cli/fleet-budget.js';
import { formatDuration, statusBudgetOf } from '../../src/cli/status-budget.js';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { makeRepo, removeRepos } from '../specs/temp-repo.js';
import { MAIN } from './run-cli.js';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ servers: 3, seed: 11, speed: 100 });
});
afterAll(async () => {
  removeRepos();
  await sim?.close();
});

const FLEET =
  'apiVersion: ovh-fleet/v1\nkind: Fleet\napi:\n  requestsPerMinute: 7\n  steadyStateShare: 0.25\n';

function specOf(name: string, os: string): string {
  return `apiVersion: ovh-fleet/v1\nkind: Server\nserviceName: ${name}\noperatingSystem: ${os}\n`;
}

async function run(
  args: string[],
  credentials = true,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    PATH: process.env.PATH,
    OVH_FLEET_LOG_LEVEL: 'debug',
    ...(credentials
      ? {
          OVH_ENDPOINT: sim.url,
          OVH_APPLICATION_KEY: sim.credentials.appKey,
          OVH_APPLICATION_SECRET: sim.credentials.appSecret,
          OVH_CONSUMER_KEY: sim.credentials.consumerKey,
          OVH_CA_FILE: sim.certPath,
        }
      : {}),
  };
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [MAIN, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The budget a command logged it uses (its debug line), parsed from its JSON logs. */
function budgetLogged(stderr: string): Record<string, unknown> | undefined {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .find((l) => l.msg === 'request budget of this command');
}

function fleetRepo(fleet: string | null): string {
  const server = sim.control.account()[0]!.server;
  return makeRepo({
    ...(fleet === null ? {} : { 'fleet.yaml': fleet }),
    [`servers/${server.name}.yaml`]: specOf(server.name, server.os),
  });
}

describe('every command honours the fleet budget', () => {
  it.each([['plan'], ['validate']])('%s spends fleet.yaml api.requestsPerMinute, not 60', async (command) => {
    const repo = fleetRepo(FLEET);

    const result = await run([command, '--repo', repo, '--state-dir', join(repo, '.state')]);

    expect(budgetLogged(result.stderr)).toMatchObject({
      requestsPerMinute: 7,
      steadyStateShare: 0.25,
      source: 'fleet.yaml',
    });
  });

  it('plan without fleet.yaml spends the default budget and says so', async () => {
    const repo = fleetRepo(null);

    const result = await run(['plan', '--repo', repo, '--state-dir', join(repo, '.state')]);

    expect(budgetLogged(result.stderr)).toMatchObject({ requestsPerMinute: 60, source: 'default' });
  });

  it('status shows the budget and the longest time unseen, without credentials nor daemon', async () => {
    const repo = fleetRepo(FLEET);

    const text = await run(['status', '--repo', repo], false);
    const json = await run(['status', '--repo', repo, '--format', 'json'], false);

    expect(text.stdout).toContain('Request budget: 7 requests/min (fleet.yaml)');
    expect(text.stdout).toMatch(
      /Background sweep: 1 managed servers; .* seen within \d+ (s|min) \(expanded task lists\)/,
    );
    expect(JSON.parse(json.stdout)).toMatchObject({
      budget: { requestsPerMinute: 7, steadyStateShare: 0.25, sweep: { servers: 1 } },
    });
  });
});

describe('readFleetBudget', () => {
  it('never reads fleet.yaml through a link: the defaults then', () => {
    const target = makeRepo({ 'fleet.yaml': FLEET });
    const repo = makeRepo({});
    symlinkSync(join(target, 'fleet.yaml'), join(repo, 'fleet.yaml'));

    expect(readFleetBudget(repo)).toEqual({
      api: { requestsPerMinute: 60, steadyStateShare: 0.5 },
      source: 'default',
    });
  });

  it('takes the default of an invalid value, as the policy does', () => {
    const repo = makeRepo({});
    writeFileSync(
      join(repo, 'fleet.yaml'),
      'apiVersion: ovh-fleet/v1\nkind: Fleet\napi:\n  requestsPerMinute: 0\n',
    );

    expect(readFleetBudget(repo).api.requestsPerMinute).toBe(60);
  });
});

describe('the status figures', () => {
  it('gives the worked example of docs/operations.md (10,000 servers, 60/min, share 0.5)', () => {
    const b = statusBudgetOf(60, 0.5, 'fleet.yaml', 10_000);

    // Quiet cycles: 2 pages of the expanded server list every 2 minutes = 1 call per minute.
    expect(b.sweep.reservedPerMinute).toBe(1);
    expect(b.sweep.expanded.callsPerMinute).toBe(29);
    expect(formatDuration(b.sweep.expanded.maxUnseenSeconds!)).toBe('5 h 47 min');
    expect(formatDuration(b.sweep.fallback.maxUnseenSeconds!)).toBe('11 h 32 min');
  });
});
