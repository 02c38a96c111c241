import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppliedRecordCache, readApplied } from '../../src/records/read-records.js';
import { hashBytes } from '../../src/specs/parse-file.js';
import { serializeStatusRecord } from '../../src/records/status-record.js';
import { record, spec } from './helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function repoWith(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'ovh-fleet-applied-'));
  dirs.push(root);
  mkdirSync(join(root, 'status'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, 'status', name), text);
  return root;
}

describe('readApplied with an AppliedRecordCache', () => {
  const ns1 = record('ns1.eu', spec('ns1.eu'));
  const ns2 = record('ns2.eu', spec('ns2.eu', { operatingSystem: 'rocky9_64' }));

  it('reads each record once: a file whose bytes it knows gives back the same record object', async () => {
    const root = repoWith({
      'ns1.eu.yaml': serializeStatusRecord(ns1),
      'ns2.eu.yaml': serializeStatusRecord(ns2),
    });
    const cache = new AppliedRecordCache();

    const first = await readApplied(root, cache);
    const second = await readApplied(root, cache);

    expect(first.applied.get('ns1.eu')).toEqual(ns1);
    expect(second.applied.get('ns1.eu')).toBe(first.applied.get('ns1.eu'));
    expect(second.hashes).toEqual(first.hashes);
    expect(second.hashes.get('ns2.eu')).toBe(hashBytes(serializeStatusRecord(ns2)));
  });

  it('reads a file again when it is rewritten with bytes of the same size and its old mtime: its ctime changed', async () => {
    const first = { ...ns1, message: 'first message' };
    const root = repoWith({ 'ns1.eu.yaml': serializeStatusRecord(first) });
    const file = join(root, 'status', 'ns1.eu.yaml');
    const cache = new AppliedRecordCache();
    const before = await readApplied(root, cache);
    const { atime, mtime } = statSync(file);
    const changed = { ...ns1, message: 'other message' };
    const text = serializeStatusRecord(changed);
    expect(text.length).toBe(serializeStatusRecord(first).length);
    writeFileSync(file, text);
    utimesSync(file, atime, mtime);

    const after = await readApplied(root, cache);

    expect(after.applied.get('ns1.eu')).toEqual(changed);
    expect(after.hashes.get('ns1.eu')).not.toBe(before.hashes.get('ns1.eu'));
  });

  it('refuses a record file that became a link, even one it read before', async () => {
    const root = repoWith({
      'ns1.eu.yaml': serializeStatusRecord(ns1),
      'other.txt': serializeStatusRecord(ns1),
    });
    const cache = new AppliedRecordCache();
    await readApplied(root, cache);
    rmSync(join(root, 'status', 'ns1.eu.yaml'));
    symlinkSync(join(root, 'status', 'other.txt'), join(root, 'status', 'ns1.eu.yaml'));

    const after = await readApplied(root, cache);

    expect(after.applied.has('ns1.eu')).toBe(false);
    expect(after.unreadable.has('ns1.eu')).toBe(true);
  });

  it('parses a file again when its bytes change, and forgets servers whose file went away', async () => {
    const root = repoWith({
      'ns1.eu.yaml': serializeStatusRecord(ns1),
      'ns2.eu.yaml': serializeStatusRecord(ns2),
    });
    const cache = new AppliedRecordCache();
    const before = await readApplied(root, cache);
    const changed = { ...ns1, message: 'another message' };
    writeFileSync(join(root, 'status', 'ns1.eu.yaml'), serializeStatusRecord(changed));
    rmSync(join(root, 'status', 'ns2.eu.yaml'));

    const after = await readApplied(root, cache);

    expect(after.applied.get('ns1.eu')).toEqual(changed);
    expect(after.applied.get('ns1.eu')).not.toBe(before.applied.get('ns1.eu'));
    expect(cache.get('ns2.eu', before.hashes.get('ns2.eu')!)).toBeUndefined();
  });

  it('trusts a record the daemon wrote (remembered with the hash of its text) without parsing it', async () => {
    const text = serializeStatusRecord(ns1);
    const root = repoWith({ 'ns1.eu.yaml': text });
    const cache = new AppliedRecordCache();
    cache.remember(ns1, hashBytes(text));

    const read = await readApplied(root, cache);

    expect(read.applied.get('ns1.eu')).toBe(ns1);
  });

  it('still reports a corrupted file, cache or not', async () => {
    const root = repoWith({ 'ns1.eu.yaml': 'phase: [' });
    const cache = new AppliedRecordCache();

    const read = await readApplied(root, cache);

    expect(read.applied.size).toBe(0);
    expect(read.diagnostics.map((d) => d.code)).toEqual(['status-record-invalid']);
  });
});
