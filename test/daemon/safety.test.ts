import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ackRewrite } from '../../src/cli/ack-rewrite-command.js';
import { githubSignature } from '../../src/daemon/webhook.js';
import { closeSimulator, IMAGE_TOKEN, spec, World, WEBHOOK_SECRET } from './helpers.js';

let world: World | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});
afterAll(closeSimulator);

function record(w: World, name: string): Record<string, unknown> {
  return parse(w.originFile(`status/${name}.yaml`) ?? '{}') as Record<string, unknown>;
}

async function hook(w: World, body: string, headers: Record<string, string>): Promise<number> {
  const { host, port } = w.daemon!.address!;
  const res = await fetch(`http://${host}:${port}/hooks/git`, { method: 'POST', headers, body });
  await res.text();
  return res.status;
}

describe('the daemon keeps servers safe', () => {
  it('starts nothing for a commit that only touches status/', async () => {
    world = await World.create({ count: 1 });
    await world.start();
    world.pull();
    world.write('status/FLEET.md', 'edited by hand\n');
    const pushed = world.commit('touch status only');
    world.sim.control.clearRequests();

    const summary = await world.daemon!.trigger('webhook');

    expect(summary?.result).toBe('skipped');
    expect(world.sim.control.requests()).toHaveLength(0);
    expect(world.git(world.origin, ['rev-parse', 'main'])).toBe(pushed);
  });

  it('answers 401 to a wrong or missing signature, 415 to a wrong type, 413 to a huge body, 202 to a good one', async () => {
    world = await World.create({ count: 1 });
    await world.start();
    const body = '{"ref":"refs/heads/main"}';
    const json = { 'content-type': 'application/json' };

    const wrong = await hook(world, body, { ...json, 'x-hub-signature-256': githubSignature('nope', body) });
    const missing = await hook(world, body, json);
    const gitlabWrong = await hook(world, body, { ...json, 'x-gitlab-token': 'nope' });
    const type = await hook(world, body, { 'content-type': 'text/plain', 'x-gitlab-token': WEBHOOK_SECRET });
    const huge = await hook(world, `"${'x'.repeat(1024 * 1024 + 10)}"`, {
      ...json,
      'x-gitlab-token': WEBHOOK_SECRET,
    });
    const gitlab = await hook(world, body, { ...json, 'x-gitlab-token': WEBHOOK_SECRET });
    const first = await hook(world, body, {
      ...json,
      'x-hub-signature-256': githubSignature(WEBHOOK_SECRET, body),
      'x-github-delivery': 'd-1',
    });
    const again = await hook(world, body, {
      ...json,
      'x-hub-signature-256': githubSignature(WEBHOOK_SECRET, body),
      'x-github-delivery': 'd-1',
    });

    expect([wrong, missing, gitlabWrong, type, huge]).toEqual([401, 401, 401, 415, 413]);
    expect([gitlab, first, again]).toEqual([202, 202, 200]);
  });

  it('resumes following after a restart in the middle of a reinstall, without a second POST', async () => {
    world = await World.create({ count: 1 });
    await world.start();
    const [m] = world.managed as [(typeof world.managed)[0]];
    world.pull();
    world.write(m.file, spec(m.name, m.other));
    world.commit('change os');

    await world.daemon!.trigger('manual');
    expect(world.posts(m.name)).toBe(1);
    expect(record(world, m.name).phase).toBe('reinstalling');
    await world.daemon!.stop();
    await world.start();
    await world.until(() => record(world!, m.name).reason === 'in-sync', 'the reinstall to be recorded done');

    expect(world.posts(m.name)).toBe(1);
    expect(record(world, m.name)).toMatchObject({
      phase: 'ready',
      lastApplied: { operatingSystem: m.other, result: 'done' },
    });
  });

  it('applies nothing after a force-push until ack-rewrite acknowledges the new head', async () => {
    world = await World.create({ count: 1 });
    await world.start();
    const [m] = world.managed as [(typeof world.managed)[0]];
    const root = world.h(['rev-list', '--max-parents=0', 'HEAD']);
    world.h(['reset', '--quiet', '--hard', root]);
    world.write(m.file, spec(m.name, m.other));
    world.h(['add', '--all']);
    world.h(['commit', '--quiet', '--amend', '-m', 'rewritten fleet']);
    world.h(['push', '--quiet', '--force', 'origin', 'HEAD:main']);
    const head = world.h(['rev-parse', 'HEAD']);

    const blocked = await world.daemon!.trigger('manual');
    const whileBlocked = world.posts(m.name);
    const blockedRecord = record(world, m.name);
    await ackRewrite(world.config(), head, { name: 'Ops', email: 'ops@example.com' });
    await world.daemon!.trigger('manual');

    expect(blocked?.block?.reason).toBe('history-rewritten');
    expect(whileBlocked).toBe(0);
    expect(blockedRecord).toMatchObject({ phase: 'pending', reason: 'history-rewritten' });
    expect(world.posts(m.name)).toBe(1);
  });

  it('blocks only the server whose spec is invalid, and rewrites a corrupted status file', async () => {
    world = await World.create({ count: 2 });
    await world.start();
    const [bad, good] = world.managed as [(typeof world.managed)[0], (typeof world.managed)[0]];
    world.pull();
    world.write(bad.file, spec(bad.name, 'no-such-template_64'));
    world.write(good.file, spec(good.name, good.other));
    world.write(`status/${good.name}.yaml`, 'phase: [unclosed\n');
    world.commit('one bad spec, one good change, one corrupted record');

    await world.daemon!.trigger('manual');

    expect(world.posts(bad.name)).toBe(0);
    expect(world.posts(good.name)).toBe(1);
    expect(record(world, bad.name)).toMatchObject({ phase: 'invalid', reason: 'invalid-spec' });
    expect(record(world, good.name)).toMatchObject({ serviceName: good.name, phase: 'reinstalling' });
  });

  it('commits a corrupted or deleted status file rewritten from memory, even when nothing else changed', async () => {
    world = await World.create({ count: 2 });
    await world.start();
    const [a, b] = world.managed as [(typeof world.managed)[0], (typeof world.managed)[0]];
    const before = [world.originFile(`status/${a.name}.yaml`), world.originFile(`status/${b.name}.yaml`)];
    expect(before[0]).toContain('phase: ready');
    world.pull();
    world.write(`status/${a.name}.yaml`, 'phase: [unclosed\n');
    world.h(['rm', '--quiet', `status/${b.name}.yaml`]);
    world.commit('a human breaks two records');

    await world.daemon!.trigger('manual');

    expect([world.originFile(`status/${a.name}.yaml`), world.originFile(`status/${b.name}.yaml`)]).toEqual(
      before,
    );
    expect(world.git(world.origin, ['log', '-1', '--format=%an', 'main'])).toBe('ovh-fleet');
  });

  it('never writes a secret into logs, status files or commits', async () => {
    world = await World.create({ count: 1, headers: true });
    await world.start();
    const [m] = world.managed as [(typeof world.managed)[0]];
    world.pull();
    world.write(m.file, spec(m.name, m.other, true));
    world.commit('change os');

    await world.daemon!.trigger('manual');
    await world
      .until(() => record(world!, m.name).reason === 'in-sync', 'the reinstall to end')
      .catch((e) => {
        console.log(JSON.stringify(record(world!, m.name)));
        throw e;
      });

    const posted = world.sim.control
      .requests()
      .find((r) => r.method === 'POST' && r.path.endsWith(`${m.name}/reinstall`));
    expect(JSON.stringify(posted?.body)).toContain(IMAGE_TOKEN);
    const secrets = [
      IMAGE_TOKEN,
      WEBHOOK_SECRET,
      world.sim.credentials.appSecret,
      world.sim.credentials.consumerKey,
    ];
    const history = world.git(world.origin, ['log', '-p', '--all']);
    const status = readFileSync(join(world.stateDir, 'repo', 'status', `${m.name}.yaml`), 'utf8');
    const logs = world.logs.join('');
    expect(logs).toContain('"level":"debug"');
    for (const secret of secrets) {
      expect(logs).not.toContain(secret);
      expect(history).not.toContain(secret);
      expect(status).not.toContain(secret);
    }
  });
});
