/**
 * Issue 11 (signature verification covers less than what drives a reinstall): with
 * verify.allowedSignersFile, nothing unsigned moves a decision — a file a spec references, a
 * hand-edited status record, an acknowledgement of a rewrite — and a restart does not re-verify
 * old history against today's keys. Real git repositories, real ssh signatures, the real daemon
 * (in-process here; the restart case also as a child process in signatures-process.test.ts).
 */
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ackRewrite } from '../../src/cli/ack-rewrite-command.js';
import { renderRewriteAck } from '../../src/daemon/ack-rewrite.js';
import { closeSimulator, spec, World } from './helpers.js';
import {
  allowSigners,
  commitUnsigned,
  makeSigners,
  signatureStatus,
  signInitialCommit,
} from './signed-fleet.js';

let world: World | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});
afterAll(closeSimulator);

function record(w: World, name: string): Record<string, unknown> {
  return parse(w.originFile(`status/${name}.yaml`) ?? '{}') as Record<string, unknown>;
}

/** A world of one adopted server whose spec references `files/boot.sh`, all signed by `trusted`. */
async function signedWorld(): Promise<{ w: World; signers: string; m: World['managed'][0] }> {
  const w = await World.create({ count: 1 });
  const [m] = w.managed as [World['managed'][0]];
  const signers = makeSigners(w);
  w.write('files/boot.sh', '#!/bin/sh\necho one\n');
  w.write(m.file, `${spec(m.name, m.os)}customizations:\n  postInstallationScript: {file: files/boot.sh}\n`);
  w.h(['add', '--all']);
  w.h(['commit', '--quiet', '--amend', '--no-edit']);
  signInitialCommit(w);
  await w.start({}, { OVH_FLEET_VERIFY_ALLOWED_SIGNERS_FILE: signers });
  return { w, signers, m };
}

describe('with verify.allowedSignersFile, nothing unsigned moves a decision', () => {
  it('blocks an unsigned commit that changes a file a spec references (outside servers/ and scripts/)', async () => {
    const { w, m } = await signedWorld();
    world = w;
    expect(record(w, m.name)).toMatchObject({ lastApplied: { result: 'adopted' } });
    w.pull();
    w.write('files/boot.sh', '#!/bin/sh\necho two\n');
    const unsigned = commitUnsigned(w, 'change the boot script, unsigned');

    const summary = await w.daemon!.trigger('manual');

    expect(summary?.block?.reason).toBe('signature-invalid');
    expect(summary?.block?.message).toContain(unsigned.slice(0, 12));
    expect(w.posts(m.name)).toBe(0);
  });

  it('does not plan a reinstall from a hand-edited, unsigned status record, even after a restart', async () => {
    const { w, signers, m } = await signedWorld();
    world = w;
    const kept = w.originFile(`status/${m.name}.yaml`);
    const edited = parse(kept ?? '{}') as { lastApplied: { digest: string } };
    edited.lastApplied.digest = `sha256:${'0'.repeat(64)}`;
    w.pull();
    w.write(`status/${m.name}.yaml`, stringify(edited));
    commitUnsigned(w, 'hand edit of a status record');
    await w.daemon!.stop();

    await w.start({}, { OVH_FLEET_VERIFY_ALLOWED_SIGNERS_FILE: signers });

    expect(w.posts(m.name)).toBe(0);
    expect(w.originFile(`status/${m.name}.yaml`)).toBe(kept);
    expect(w.logs.join('')).toContain('status-record-untrusted');
  });

  it('refuses an unsigned ack-rewrite and accepts a signed one', async () => {
    const { w, m } = await signedWorld();
    world = w;
    // A signed rewrite of the whole history that changes the OS.
    w.pull();
    const root = w.h(['rev-list', '--max-parents=0', 'HEAD']);
    w.h(['reset', '--quiet', '--hard', root]);
    w.write(m.file, spec(m.name, m.other));
    w.h(['add', '--all']);
    w.h(['commit', '--quiet', '--amend', '-S', '-m', 'rewritten fleet']);
    w.h(['push', '--quiet', '--force', 'origin', 'HEAD:main']);
    const head = w.h(['rev-parse', 'HEAD']);
    const blocked = await w.daemon!.trigger('manual');
    expect(blocked?.block?.reason).toBe('history-rewritten');

    await ackRewrite(w.config(), head, { name: 'Ops', email: 'ops@example.com' });
    const unsignedAck = await w.daemon!.trigger('manual');
    const postsAfterUnsigned = w.posts(m.name);
    w.pull();
    w.write(
      'status/ack-rewrite.yaml',
      renderRewriteAck({ revision: head, by: 'Ops', at: '2026-01-01T00:00:00Z' }),
    );
    w.h(['add', '--all']);
    w.h(['commit', '--quiet', '-S', '-m', 'signed acknowledgement']);
    w.h(['push', '--quiet', 'origin', 'HEAD:main']);
    const signedAck = await w.daemon!.trigger('manual');

    expect(unsignedAck?.block?.reason).toBe('history-rewritten');
    expect(unsignedAck?.block?.message).toContain('not signed');
    expect(postsAfterUnsigned).toBe(0);
    expect(signedAck?.block).toBeNull();
    expect(w.posts(m.name)).toBe(1);
  });

  it('ack-rewrite --signing-key signs the acknowledgement, so that it counts', async () => {
    const { w, signers } = await signedWorld();
    world = w;
    const head = w.git(w.origin, ['rev-parse', 'main']);

    const commit = await ackRewrite(
      w.config(),
      head,
      { name: 'Ops', email: 'ops@example.com' },
      { signingKey: join(w.root, 'trusted') },
    );

    expect(signatureStatus(w, commit!, signers)).toBe('G');
  });

  it('after a restart, checks only the commits since the last verified one (old keys may be gone)', async () => {
    const { w, signers, m } = await signedWorld();
    world = w;
    await w.daemon!.stop();
    // The team rotates keys: the old key leaves the allowed signers, the new one signs from now on.
    allowSigners(w, ['next']);
    w.pull();
    w.h(['config', 'user.signingkey', `${w.root}/next`]);
    w.write(
      m.file,
      `${spec(m.name, m.other)}customizations:\n  postInstallationScript: {file: files/boot.sh}\n`,
    );
    w.h(['add', '--all']);
    w.h(['commit', '--quiet', '-S', '-m', 'change os, signed with the new key']);
    w.h(['push', '--quiet', 'origin', 'HEAD:main']);

    const daemon = await w.start({}, { OVH_FLEET_VERIFY_ALLOWED_SIGNERS_FILE: signers });

    expect(daemon.status().block).toBeNull();
    expect(w.posts(m.name)).toBe(1);
  });
});
