import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IntentJournal, intentId } from '../../src/apply/intent-journal.js';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import { digestOf, tempStateDir } from './helpers.js';

const intent = (serviceName: string) => ({
  serviceName,
  digest: digestOf(serviceName),
  planHash: 'sha256:plan',
  revision: 'abc',
  operatingSystem: 'debian12_64',
  priorTaskIds: [1, 2],
});

describe('the intent journal', () => {
  it('records an intent durably and reads it back after updates', async () => {
    const clock = new VirtualClock();
    const dir = await tempStateDir();
    const journal = new IntentJournal(dir, clock);

    const created = await journal.create(intent('ns1.ip-1-1-1.eu'));
    await clock.advance(1000);
    await journal.update(created, { state: 'posted', taskId: 77 });
    const { entries, problems } = await new IntentJournal(dir, clock).read();

    expect(problems).toEqual([]);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      serviceName: 'ns1.ip-1-1-1.eu',
      state: 'posted',
      taskId: 77,
      priorTaskIds: [1, 2],
      createdAtMs: clock.now() - 1000,
    });
    expect(await readdir(journal.dir)).toEqual([`${created.id}.json`]);
  });

  it.each([
    ['truncated JSON', '{"formatVersion":1,"id":'],
    ['a wrong field type', JSON.stringify({ formatVersion: 1, id: 'x', state: 'posted' })],
  ])('reports a corrupted entry (%s) with its server and digest, without failing', async (_name, content) => {
    const clock = new VirtualClock();
    const journal = new IntentJournal(await tempStateDir(), clock);
    await journal.create(intent('ns1.ip-1-1-1.eu'));
    const name = `${intentId('ns2.ip-2-2-2.eu', 5, digestOf('ns2.ip-2-2-2.eu'))}.json`;
    await writeFile(join(journal.dir, name), content);

    const { entries, problems } = await journal.read();

    expect(entries.map((e) => e.serviceName)).toEqual(['ns1.ip-1-1-1.eu']);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      serviceName: 'ns2.ip-2-2-2.eu',
      digestPrefix: digestOf('ns2.ip-2-2-2.eu').slice(7, 23),
    });
  });

  it('ignores temporary files left by a crash mid-write, and prune removes them and old finished entries', async () => {
    const clock = new VirtualClock();
    const journal = new IntentJournal(await tempStateDir(), clock);
    const old = await journal.create(intent('ns1.ip-1-1-1.eu'));
    await journal.update(old, {
      state: 'finished',
      outcome: { result: 'done', code: 'reinstall-done', message: 'ok', finishedAt: '' },
    });
    await journal.create(intent('ns2.ip-2-2-2.eu'));
    await writeFile(join(journal.dir, '.tmp-half-written.json.1.0'), '{"form');

    const before = await journal.read();
    await clock.advance(31 * 86_400_000);
    const removed = await journal.prune();
    const after = await journal.read();

    expect(before.problems).toEqual([]);
    expect(before.entries).toHaveLength(2);
    expect(removed).toBe(1);
    expect(after.entries.map((e) => e.serviceName)).toEqual(['ns2.ip-2-2-2.eu']);
    expect((await readdir(journal.dir)).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
  });
});
