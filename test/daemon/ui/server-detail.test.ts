/**
 * `GET /api/servers/<name>` against a real in-process daemon (the simulator over HTTPS, a bare git
 * origin, bearer authentication on): the history it answers is, entry for entry and line for line,
 * what `ovh-fleet history` prints for a clone of the same origin (on the spec branch, and with a
 * separate status branch); its plan entry is the last plan's; unknown servers are 404, bad names
 * 400; the dashboard's authentication and headers hold; no secret value is in the answer.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { historyText } from '../../../src/cli/history-command.js';
import type { ServerDetail } from '../../../src/daemon/ui/server-detail.js';
import type { StatusRecord } from '../../../src/records/types.js';
import { closeSimulator, IMAGE_TOKEN, spec, WEBHOOK_SECRET, World } from '../helpers.js';

const TOKEN = 'a-server-detail-test-token';
const AUTH = { authorization: `Bearer ${TOKEN}` };

let world: World | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});
afterAll(closeSimulator);

async function start(w: World, configEnv: Record<string, string> = {}): Promise<string> {
  const daemon = await w.start(
    { secrets: { webhookSecret: WEBHOOK_SECRET, uiAuth: { type: 'bearer', token: TOKEN } } },
    configEnv,
  );
  return `http://127.0.0.1:${daemon.address!.port}`;
}

async function detailOf(base: string, name: string): Promise<ServerDetail> {
  const response = await fetch(`${base}/api/servers/${encodeURIComponent(name)}`, { headers: AUTH });
  expect(response.status).toBe(200);
  return (await response.json()) as ServerDetail;
}

function expectStrictHeaders(response: Response): void {
  expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('x-frame-options')).toBe('DENY');
  expect(response.headers.get('cache-control')).toBe('no-store');
}

describe('GET /api/servers/<name> of a running daemon', () => {
  it('answers what `ovh-fleet history` prints and the last plan entry, behind the dashboard auth', async () => {
    world = await World.create({ count: 2, headers: true });
    const w = world;
    const [m, other] = w.managed as [World['managed'][number], World['managed'][number]];
    const base = await start(w);

    w.pull();
    w.write(m.file, spec(m.name, m.other, true));
    w.commit(`move ${m.name} to ${m.other}`);
    await w.daemon!.trigger('manual');
    await w.until(
      () => {
        const text = w.originFile(`status/${m.name}.yaml`);
        return text !== null && (parse(text) as StatusRecord).lastApplied?.result === 'done';
      },
      'the reinstall recorded done',
      90_000,
    );
    await w.daemon!.trigger('manual');

    const detail = await detailOf(base, m.name);
    w.pull();
    expect(detail.revisions.status).toBe(w.h(['rev-parse', 'HEAD']));
    expect(detail.serviceName).toBe(m.name);
    expect(detail.history.text).toBe(await historyText(m.name, w.human));
    const kinds = detail.history.entries.map((e) => e.kind);
    expect(kinds.filter((k) => k === 'spec')).toHaveLength(2);
    expect(detail.history.entries.some((e) => e.kind === 'status' && e.tasks.length === 1)).toBe(true);
    expect(detail.planEntry).toMatchObject({ serviceName: m.name, file: m.file, action: 'none' });
    expect(detail.plan?.revision).toMatch(/^[0-9a-f]{40}$/);
    // The spec names an {env} secret: its value is nowhere in the answer.
    expect(JSON.stringify(detail)).not.toContain(IMAGE_TOKEN);
    // The same heads again: the same answer (from the cache).
    expect(await detailOf(base, m.name)).toEqual(detail);
    expect((await detailOf(base, other.name)).history.text).toBe(await historyText(other.name, w.human));

    // Authentication, headers, methods.
    const url = `${base}/api/servers/${m.name}`;
    const anonymous = await fetch(url);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).not.toContain(m.name);
    expectStrictHeaders(anonymous);
    const ok = await fetch(url, { headers: AUTH });
    expectStrictHeaders(ok);
    expect(ok.headers.get('content-type')).toBe('application/json');
    const head = await fetch(url, { method: 'HEAD', headers: AUTH });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await fetch(url, { method: 'POST', headers: AUTH })).status).toBe(405);

    // Unknown servers and names that are none.
    const unknown = await fetch(`${base}/api/servers/ns9.ip-9-9-9.eu`, { headers: AUTH });
    expect(unknown.status).toBe(404);
    expectStrictHeaders(unknown);
    expect(await unknown.json()).toEqual({ error: 'no server ns9.ip-9-9-9.eu in the fleet status' });
    // (`..` and `%2e%2e` are normalised by the client, out of /api/servers/: 404 there.)
    expect((await fetch(`${base}/api/servers/%2e%2e`, { headers: AUTH })).status).toBe(404);
    for (const bad of [
      '-x',
      'a%2Fb',
      'a%00b',
      '.x',
      'a%20b',
      '%3Cb%3E',
      '%E0%A4%A',
      'a..b',
      'x'.repeat(201),
      '',
    ]) {
      const response = await fetch(`${base}/api/servers/${bad}`, { headers: AUTH });
      expect(response.status, bad).toBe(400);
      expect(await response.json()).toEqual({ error: 'not a server name' });
    }
    expect((await fetch(`${base}/api/servers/${m.name}/x`, { headers: AUTH })).status).toBe(400);
  }, 240_000);

  it('reads the status commits from a separate status branch, as `history --status-branch` does', async () => {
    world = await World.create({ count: 1 });
    const w = world;
    const [m] = w.managed as [World['managed'][number]];
    const base = await start(w, { OVH_FLEET_STATUS_BRANCH: 'fleet-status' });

    const detail = await detailOf(base, m.name);
    w.h(['fetch', '--quiet', 'origin']);
    w.pull();
    expect(detail.revisions.status).toBe(w.h(['rev-parse', 'origin/fleet-status']));
    expect(detail.history.entries[0]?.kind).toBe('spec');
    expect(detail.history.entries.slice(1).every((e) => e.kind === 'status')).toBe(true);
    expect(detail.history.entries.length).toBeGreaterThan(1);
    expect(detail.history.text).toBe(await historyText(m.name, w.human, 'origin/fleet-status'));
  }, 120_000);
});
