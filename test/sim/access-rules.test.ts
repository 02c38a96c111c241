/**
 * The least-privilege keys of docs/operations.md, EXACTLY as documented (the rules are read from
 * the page), against the simulator's access rules, through the real adapter: the daemon key can
 * make every call ovh-fleet makes; the pull-request key every read and no reinstall. The
 * simulator checks a rule-restricted key's signed calls on the catalog routes too (the cautious
 * reading), because the official client signs every call but /auth/time.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReinstallBody } from '../../src/apply/reinstall-body.js';
import { createOvhApi } from '../../src/ovh/create-ovh-api.js';
import type { OvhApi } from '../../src/ovh/ovh-api.js';
import { RequestBudgetRegistry } from '../../src/ovh/request-budget.js';
import { systemClock } from '../../src/core/clock.js';
import { simulatorCredentials } from '../../src/sim/client-credentials.js';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import type { SimAccessRule } from '../../src/sim/types.js';
import { makeSpec } from '../apply/helpers.js';

const DAEMON_KEY = 'docDaemonConsumerKey000000000000';
const PLAN_KEY = 'docPlanConsumerKey00000000000000';

/** The rules of the code block after "Create the consumer key with only the rights the daemon uses". */
function documentedRules(): SimAccessRule[] {
  const page = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');
  const after = page.slice(page.indexOf('Create the consumer key with only the rights the daemon uses'));
  const block = /```\n([\s\S]*?)```/.exec(after)?.[1] ?? '';
  return block
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((parts) => parts.length === 2)
    .map(([method, path]) => ({ method: method as SimAccessRule['method'], path: path as string }));
}

const rules = documentedRules();
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({
    servers: 2,
    seed: 4,
    credentials: {
      accessRules: {
        [DAEMON_KEY]: rules,
        // "a second, read-only consumer key with the GET rules only"
        [PLAN_KEY]: rules.filter((r) => r.method === 'GET'),
      },
    },
  });
});

afterAll(async () => {
  await sim?.close();
});

function apiWith(consumerKey: string): OvhApi {
  const credentials = simulatorCredentials(sim, `access-${consumerKey}`);
  if (credentials.auth.kind !== 'application') throw new Error('application credentials expected');
  return createOvhApi(
    { ...credentials, auth: { ...credentials.auth, consumerKey } },
    { requestsPerMinute: 10_000, budgets: new RequestBudgetRegistry(systemClock) },
  );
}

/** Every read ovh-fleet makes (plan, validate, templates, import, status, apply's preflight, the follower). */
async function everyRead(api: OvhApi): Promise<void> {
  const [name] = await api.listServers();
  const server = name as string;
  await api.listTemplateInfos();
  await api.getTemplate('debian12_64');
  await api.getServer(server);
  await api.getCompatibleTemplates(server);
  await api.getHardware(server);
  const tasks = await api.listTasks(server, { function: 'reinstallServer' });
  for (const id of tasks) await api.getTask(server, id);
  await api.getInstallProgress(server);
  await api.getApiTime();
}

describe('the documented least-privilege keys against access rules', () => {
  it('documents rules at all', () => {
    expect(rules.length).toBeGreaterThanOrEqual(3);
  });

  it('the daemon key makes every call ovh-fleet makes, the reinstall included', async () => {
    const api = apiWith(DAEMON_KEY);
    await everyRead(api);
    const target = sim.control.account()[0]!;
    const os = target.compatibleTemplates.ovh.find(
      (t) => t === 'debian12_64' || t === 'ubuntu2404-server_64',
    );
    const body = buildReinstallBody(makeSpec(target.server.name, os), {});
    if (!body.ok) throw new Error(body.message);

    const task = await api.reinstall(target.server.name, body.body);

    expect(task.taskId).toEqual(expect.any(Number));
    await api.getTask(target.server.name, task.taskId);
  });

  it('the pull-request key makes every read and cannot start a reinstall', async () => {
    const api = apiWith(PLAN_KEY);
    await everyRead(api);
    const target = sim.control.account()[1]!;
    const body = buildReinstallBody(makeSpec(target.server.name, 'debian12_64'), {});
    if (!body.ok) throw new Error(body.message);

    await expect(api.reinstall(target.server.name, body.body)).rejects.toMatchObject({ status: 403 });
  });

  it('the simulator enforces the rules: a key without the catalog rules is refused the catalog', async () => {
    const narrow = 'narrowConsumerKey000000000000000';
    const narrowSim = await startSimulator({
      servers: 1,
      seed: 4,
      credentials: { accessRules: { [narrow]: [{ method: 'GET', path: '/dedicated/server/*' }] } },
    });
    try {
      const credentials = simulatorCredentials(narrowSim, `access-narrow`);
      if (credentials.auth.kind !== 'application') throw new Error('application credentials expected');
      const api = createOvhApi(
        { ...credentials, auth: { ...credentials.auth, consumerKey: narrow } },
        { requestsPerMinute: 10_000, budgets: new RequestBudgetRegistry(systemClock) },
      );

      await expect(api.listTemplateInfos()).rejects.toMatchObject({ status: 403 });
      await expect(api.listServers()).rejects.toMatchObject({ status: 403 });
      await expect(api.getServer(narrowSim.control.account()[0]!.server.name)).resolves.toBeDefined();
    } finally {
      await narrowSim.close();
    }
  });
});
