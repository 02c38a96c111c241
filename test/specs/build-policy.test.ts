import { describe, expect, it } from 'vitest';
import { buildPolicy, INVALID_POLICY_REASON, parseDuration } from '../../src/specs/build-policy.js';
import { parseFleetFile } from '../../src/specs/parse-file.js';
import { DEFAULT_POLICY } from '../../src/specs/types.js';

const policyOf = (text: string) => buildPolicy(parseFleetFile('fleet.yaml', new TextEncoder().encode(text)));

describe('parseDuration', () => {
  it.each([
    ['4h', 14_400_000],
    ['90m', 5_400_000],
    ['30s', 30_000],
    ['1h30m', 5_400_000],
    ['0h', undefined],
    ['', undefined],
    ['4 hours', undefined],
    ['-1h', undefined],
    ['1.5h', undefined],
  ])('%j is %s ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
});

describe('buildPolicy', () => {
  it('applies every default to a minimal fleet.yaml', () => {
    const { policy, diagnostics } = policyOf('apiVersion: ovh-fleet/v1\nkind: Fleet\n');

    expect(diagnostics).toEqual([]);
    expect(policy).toEqual(DEFAULT_POLICY);
  });

  it('reads every field', () => {
    const { policy, diagnostics } = policyOf(`rollout:
  maxConcurrent: 3
  maxConcurrentPerLabel: {rack: 1}
  maxPerHour: 5
  maxFailures: 1
  maxFleetFraction: 0.5
  windows:
    - {cron: "0 2 * * 6", duration: 4h, timezone: Europe/Paris}
drift: reinstall
suspend: {reason: "freeze", until: "2026-12-24T00:00:00Z"}
api: {requestsPerMinute: 30, steadyStateShare: 0.25}
acknowledge: {massReinstall: ["sha256:ab"]}
`);

    expect(diagnostics).toEqual([]);
    expect(policy).toEqual({
      rollout: {
        maxConcurrent: 3,
        maxConcurrentPerLabel: { rack: 1 },
        maxPerHour: 5,
        maxFailures: 1,
        maxFleetFraction: 0.5,
        windows: [{ cron: '0 2 * * 6', durationMs: 14_400_000, timezone: 'Europe/Paris' }],
      },
      drift: 'reinstall',
      suspend: { reason: 'freeze', until: '2026-12-24T00:00:00Z' },
      api: { requestsPerMinute: 30, steadyStateShare: 0.25 },
      acknowledgedPlanHashes: ['sha256:ab'],
    });
  });

  it.each([
    [
      'bad cron',
      'rollout:\n  windows:\n    - {cron: "61 * * * *", duration: 1h}\n',
      'policy-invalid-cron',
      3,
      14,
    ],
    [
      'bad duration',
      'rollout:\n  windows:\n    - {cron: "0 2 * * *", duration: 4 hours}\n',
      'policy-invalid-duration',
      3,
      37,
    ],
    [
      'bad timezone',
      'rollout:\n  windows:\n    - {cron: "0 2 * * *", duration: 1h, timezone: Mars/Olympus}\n',
      'policy-invalid-timezone',
      3,
      51,
    ],
    ['bad drift', 'drift: fix\n', 'policy-invalid', 1, 8],
    ['zero concurrency', 'rollout: {maxConcurrent: 0}\n', 'policy-invalid', 1, 26],
    ['fraction above 1', 'rollout: {maxFleetFraction: 2}\n', 'policy-invalid', 1, 29],
    ['share of zero', 'api: {steadyStateShare: 0}\n', 'policy-invalid', 1, 25],
    ['unknown key', 'rollout: {maxConcurent: 1}\n', 'policy-unknown-key', 1, 11],
    ['bad until', 'suspend: {reason: x, until: tomorrow}\n', 'policy-invalid', 1, 29],
    ['acknowledge not a list', 'acknowledge: {massReinstall: abc}\n', 'policy-invalid', 1, 30],
    ['not a mapping', '- a\n', 'yaml-not-mapping', 1, 1],
  ])('%s: %s at %i:%i, and reinstalls are suspended', (_name, text, code, line, column) => {
    const { policy, diagnostics } = policyOf(text);
    const all = [...diagnostics, ...parseFleetFile('fleet.yaml', new TextEncoder().encode(text)).diagnostics];

    expect(all).toContainEqual(expect.objectContaining({ file: 'fleet.yaml', code, line, column }));
    expect(policy.suspend.reason).toBe(INVALID_POLICY_REASON);
  });

  it('defaults a window without timezone to UTC', () => {
    const { policy } = policyOf('rollout:\n  windows:\n    - {cron: "0 2 * * *", duration: 90m}\n');

    expect(policy.rollout.windows).toEqual([{ cron: '0 2 * * *', durationMs: 5_400_000, timezone: 'UTC' }]);
  });
});
