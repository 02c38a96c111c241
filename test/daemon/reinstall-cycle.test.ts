import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { githubSignature } from '../../src/daemon/webhook.js';
import { closeSimulator, spec, trailers, World, WEBHOOK_SECRET } from './helpers.js';

let world: World | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});
afterAll(closeSimulator);

function phaseOf(w: World, name: string): string | null {
  const text = w.originFile(`status/${name}.yaml`);
  return text === null ? null : (parse(text) as { phase: string }).phase;
}

async function postHook(w: World, body: string, headers: Record<string, string>): Promise<number> {
  const { host, port } = w.daemon!.address!;
  const res = await fetch(`http://${host}:${port}/hooks/git`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  await res.text();
  return res.status;
}

describe('a reconcile cycle', () => {
  it('adopts servers that already run their spec, without any reinstall', async () => {
    world = await World.create({ count: 2 });

    await world.start();

    for (const m of world.managed) {
      const record = parse(world.originFile(`status/${m.name}.yaml`) ?? 'null') as Record<string, unknown>;
      expect(record).toMatchObject({
        phase: 'ready',
        observedOs: m.os,
        lastApplied: { result: 'adopted', operatingSystem: m.os },
      });
      expect(world.posts(m.name)).toBe(0);
    }
    expect(world.originFile('status/FLEET.md')).toContain('2 server(s): 2 ready');
  });

  it('turns an OS change pushed with a signed webhook into exactly one reinstall POST and status commits with trailers', async () => {
    world = await World.create({ count: 2 });
    await world.start();
    const [target, other] = world.managed as [(typeof world.managed)[0], (typeof world.managed)[0]];
    world.pull();
    world.write(target.file, spec(target.name, target.other));
    const specCommit = world.commit(`move ${target.name} to ${target.other}`);
    const body = JSON.stringify({ ref: 'refs/heads/main', after: specCommit });

    const status = await postHook(world, body, {
      'x-hub-signature-256': githubSignature(WEBHOOK_SECRET, body),
      'x-github-delivery': 'delivery-1',
      'x-github-event': 'push',
    });
    await world
      .until(() => world!.posts(target.name) === 1, 'the reinstall POST')
      .catch((e) => {
        console.log(world!.logs.filter((l) => !l.includes('"level":"debug"')).join(''));
        throw e;
      });
    await world.until(
      () =>
        phaseOf(world!, target.name) === 'ready' &&
        world!.sim.control.account().find((s) => s.server.name === target.name)?.server.os === target.other,
      'the reinstall to end',
    );
    // The record of this spec commit's reinstall, done (the adoption record before it is also
    // ready and in-sync: on a loaded machine the reinstall can end before the reinstalling
    // record is pushed).
    await world.until(() => {
      const r = parse(world!.originFile(`status/${target.name}.yaml`) ?? '{}') as {
        reason?: string;
        lastApplied?: { specCommit?: string; result?: string };
      };
      return (
        r.reason === 'in-sync' && r.lastApplied?.specCommit === specCommit && r.lastApplied.result === 'done'
      );
    }, 'the done record');

    expect(status).toBe(202);
    expect(world.posts(target.name)).toBe(1);
    expect(world.posts(other.name)).toBe(0);
    const record = parse(world.originFile(`status/${target.name}.yaml`) as string) as {
      lastApplied: { operatingSystem: string; result: string; taskId: number; specCommit: string };
    };
    expect(record.lastApplied).toMatchObject({ operatingSystem: target.other, result: 'done', specCommit });
    const log = world
      .git(world.origin, ['log', '--format=%H', 'main', '--', `status/${target.name}.yaml`])
      .split('\n');
    const started = log.find(
      (c) =>
        (trailers(world!, c)['Fleet-Task'] ?? []).length > 0 &&
        world!.git(world!.origin, ['log', '-1', '--format=%s', c]).includes('reinstalling'),
    );
    expect(started).toBeDefined();
    const t = trailers(world, started as string);
    expect(t['Fleet-Server']).toEqual([target.name]);
    expect(t['Fleet-Task']).toEqual([`${target.name} ${record.lastApplied.taskId}`]);
    expect(t['Fleet-Spec-Commit']).toEqual([specCommit]);
    expect(t['Fleet-Plan-Hash']?.[0]).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});
