import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTemplate, makeWorld, request, SPEC } from './helpers.js';

let template: string;
let cleanup: () => void;
beforeAll(() => ({ template, cleanup } = makeTemplate()));
afterAll(() => cleanup());

describe('status commits on a separate status branch', () => {
  it('creates the branch from main, keeps main untouched, merges later spec commits in', async () => {
    const w = makeWorld(template);
    const repo = w.repo({ statusBranch: 'fleet/status' });
    const main0 = await repo.ensureClone();

    expect(await repo.statusHead()).toBeNull();
    const first = await repo.commitStatus(request({ 'status/ns1.example.net.yaml': 'v: 1\n' }));
    const status1 = w.o(['rev-parse', 'fleet/status']);

    expect(first.outcome).toBe('pushed');
    expect(w.o(['rev-parse', 'main'])).toBe(main0);
    expect(w.o(['rev-parse', 'fleet/status~1'])).toBe(main0);
    expect(w.o(['show', 'fleet/status:status/ns1.example.net.yaml'])).toBe('v: 1');

    const main1 = w.humanCommit(
      'servers/web-1.yaml',
      SPEC('ns1.example.net', 'debian12_64'),
      'web-1 to debian12',
    );
    const unchanged = await repo.commitStatus(request({ 'status/ns1.example.net.yaml': 'v: 1\n' }));
    expect(unchanged).toEqual({ outcome: 'unchanged', head: status1 });

    const second = await repo.commitStatus(request({ 'status/ns1.example.net.yaml': 'v: 2\n' }));

    expect(second.outcome).toBe('pushed');
    expect(w.o(['rev-parse', 'main'])).toBe(main1);
    expect(w.o(['log', '-1', '--format=%P', 'fleet/status'])).toBe(`${status1} ${main1}`);
    expect(w.o(['show', 'fleet/status:servers/web-1.yaml'])).toBe(
      SPEC('ns1.example.net', 'debian12_64').trim(),
    );
    expect(w.o(['show', 'fleet/status:status/ns1.example.net.yaml'])).toBe('v: 2');
    expect(w.o(['log', '-1', '--format=%(trailers:key=Fleet-Task,valueonly)', 'fleet/status'])).toBe(
      'ns1.example.net 4242',
    );

    const head = await repo.sync();
    expect(head).toBe(main1);
    expect(existsSync(join(w.clone, 'status'))).toBe(false);
    expect(readFileSync(join(w.clone, 'servers/web-1.yaml'), 'utf8')).toContain('debian12_64');
    expect(await repo.statusHead()).toBe(w.o(['rev-parse', 'fleet/status']));
    expect(await repo.readFileAt((await repo.statusHead())!, 'status/ns1.example.net.yaml')).toBe('v: 2\n');

    const entries = await repo.history('ns1.example.net', () => ['servers/web-1.yaml']);
    // status1 and the human commit may share a timestamp second: compare each kind in its own order.
    const spec = entries.filter((e) => e.kind === 'spec').map((e) => e.commit.subject);
    const status = entries.filter((e) => e.kind === 'status').map((e) => e.commit.hash);
    expect(spec).toEqual(['initial fleet', 'web-1 to debian12']);
    expect(status).toEqual([status1, w.o(['rev-parse', 'fleet/status'])]);
  });
});
