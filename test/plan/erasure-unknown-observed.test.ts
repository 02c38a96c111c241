/**
 * The scenario through the real observation path: `getHardware` fails for a server the
 * plan would reinstall. The plan must not reinstall it with `erases: null`: it is deferred with
 * `erasure-unknown` (and the API error makes `plan` exit 1); the next plan that reads the
 * hardware reinstalls it and says what is erased. The real adapter over HTTPS to the simulator;
 * only getHardware is made to fail, as a 503 from OVHcloud would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlan } from '../../src/cli/plan-command.js';
import { OvhApiError } from '../../src/ovh/errors.js';
import type { OvhApi } from '../../src/ovh/ovh-api.js';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { makeRepo, removeRepos } from '../specs/temp-repo.js';
import { simApi } from '../support/sim-api.js';

let sim: RunningSimulator;
let api: OvhApi;

beforeAll(async () => {
  sim = await startSimulator({ servers: 6, seed: 4 });
  api = simApi(sim);
});

afterAll(async () => {
  await sim?.close();
  removeRepos();
});

const LINUX = /^(debian12_64|alma9_64|ubuntu2404-server_64)$/;

function hardwareDown(base: OvhApi): OvhApi {
  const failing = Object.create(base) as OvhApi;
  failing.getHardware = (name) =>
    Promise.reject(
      new OvhApiError({
        code: 'api-unavailable',
        disposition: 'transient',
        message: 'Service Unavailable',
        method: 'GET',
        path: `/dedicated/server/${name}/specifications/hardware`,
        status: 503,
      }),
    );
  return failing;
}

async function planWith(repo: string, withApi: OvhApi) {
  let out = '';
  const result = await runPlan({
    repo,
    format: 'json',
    api: withApi,
    revision: 'r',
    print: (s) => void (out += s),
    printErr: () => undefined,
  });
  return { exitCode: result.exitCode, entry: result.plan.servers[0]! };
}

describe('a failed getHardware on a server the plan would reinstall', () => {
  it('defers it with erasure-unknown; once the hardware is read it is a reinstall with its erasures', async () => {
    const change = sim.control
      .account()
      .find(
        (s) =>
          s.server.os !== '' && s.compatibleTemplates.ovh.some((t) => LINUX.test(t) && t !== s.server.os),
      )!;
    const target = change.compatibleTemplates.ovh.find((t) => LINUX.test(t) && t !== change.server.os)!;
    const repo = makeRepo({
      'servers/change.yaml': `apiVersion: ovh-fleet/v1\nkind: Server\nserviceName: ${change.server.name}\noperatingSystem: ${target}\n`,
    });

    const down = await planWith(repo, hardwareDown(api));

    expect([down.entry.action, down.entry.reason, down.entry.erases]).toEqual([
      'deferred',
      'erasure-unknown',
      null,
    ]);
    expect(down.exitCode).toBe(1);

    const up = await planWith(repo, api);

    expect([up.entry.action, up.entry.reason]).toEqual(['reinstall', 'spec-changed']);
    expect(up.entry.erases?.length).toBeGreaterThan(0);
  });
});
