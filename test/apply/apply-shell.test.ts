import { describe, expect, it } from 'vitest';
import { runApplyShell } from '../../src/apply/apply-shell.js';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import { FakeOvhApi } from '../support/fake-ovh-api.js';
import { FAST_FOLLOW, entry, makeDeps, makeSpec, planOf } from './helpers.js';

const SN = 'ns1.ip-1-1-1.eu';

function setup() {
  const clock = new VirtualClock();
  const api = new FakeOvhApi(clock);
  api.addServer(SN);
  let text = '';
  return { clock, api, out: { write: (s: string) => void (text += s), isTTY: false }, text: () => text };
}

describe('the apply command shell', () => {
  it('prints the plan and refuses to act without --yes (exit 64), posting nothing', async () => {
    const { clock, api, out, text } = setup();
    const deps = await makeDeps(api, clock, [makeSpec(SN)]);

    const run = runApplyShell(planOf([entry(SN)]), deps, { yes: false, wait: true, color: false }, out);

    await expect(run).rejects.toMatchObject({ code: 'apply-confirmation-required', exitCode: 64 });
    expect(text()).toContain(SN);
    expect(api.posts()).toHaveLength(0);
  });

  it('with --yes --wait prints timestamped progress lines and exits 1 when a reinstall failed', async () => {
    const { clock, api, out, text } = setup();
    api.servers.get(SN)!.failWith = { status: 'customerError', comment: 'Could not download image' };
    const deps = await makeDeps(api, clock, [makeSpec(SN)]);

    const result = await clock.runUntil(
      runApplyShell(
        planOf([entry(SN)]),
        deps,
        { yes: true, wait: true, color: false, follower: FAST_FOLLOW },
        out,
      ),
      3_600_000,
      1_000,
    );

    expect(result.exitCode).toBe(1);
    expect(text()).toMatch(/^\d{4}-\d\d-\d\dT\S+ ns1\.ip-1-1-1\.eu reinstall posted: task \d+$/m);
    expect(text()).toContain('failed (reinstall-failed)');
  });
});
