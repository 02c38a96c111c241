import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveStateDir, useColor } from '../../src/cli/shell-options.js';

describe('shell options shared by validate, plan and apply', () => {
  it.each([
    { flag: 'here', env: { OVH_FLEET_STATE_DIR: '/env' }, want: path.resolve('here') },
    { flag: undefined, env: { OVH_FLEET_STATE_DIR: '/env', XDG_STATE_HOME: '/xdg' }, want: '/env' },
    { flag: undefined, env: { XDG_STATE_HOME: '/xdg' }, want: '/xdg/ovh-fleet' },
  ])('state directory from flag $flag and $env', ({ flag, env, want }) => {
    expect(resolveStateDir(flag, env)).toBe(want);
  });

  it.each([
    { isTTY: true, env: {}, want: true },
    { isTTY: true, env: { NO_COLOR: '1' }, want: false },
    { isTTY: false, env: {}, want: false },
  ])('colour on a terminal $isTTY with $env', ({ isTTY, env, want }) => {
    expect(useColor({ isTTY }, env)).toBe(want);
  });
});
