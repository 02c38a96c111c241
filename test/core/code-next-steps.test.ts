import { describe, expect, it } from 'vitest';
import {
  allCodes,
  describeCode,
  isRegisteredCode,
  NEXT_STEPS,
  nextStepOf,
} from '../../src/core/codes/registry.js';

describe('the "what next" class of every code', () => {
  it('is one of the known classes for every registered code', () => {
    const unclassified = allCodes().filter(
      (code) => !isRegisteredCode(code) || !NEXT_STEPS.includes(describeCode(code).next),
    );

    expect(unclassified).toEqual([]);
  });

  it.each([
    ['api-network', 'retry'],
    ['api-unavailable', 'retry'],
    ['api-rate-limited', 'retry'],
    ['git-push-rejected', 'retry'],
    ['git-command-failed', 'retry'],
    ['budget-exhausted', 'retry'],
    ['intent-race-lost', 'retry'],
    ['daemon-cycle-failed', 'retry'],
    ['invalid-spec', 'wait-for-commit'],
    ['signature-invalid', 'wait-for-commit'],
    ['symlink-refused', 'wait-for-commit'],
    ['last-attempt-failed', 'wait-for-commit'],
    ['history-rewritten', 'operator'],
    ['api-auth-invalid-credential', 'operator'],
    ['state-dir-locked', 'operator'],
    ['journal-entry-corrupt', 'operator'],
    ['mass-reinstall-guard', 'operator'],
    ['file-unreadable', 'operator'],
    ['in-sync', 'none'],
    ['reinstall-done', 'none'],
  ] as const)('%s is %s', (code, next) => {
    expect(nextStepOf(code)).toBe(next);
  });

  it('treats a code outside the registry (a foreign error) as transient', () => {
    expect(nextStepOf('ENOSPC')).toBe('retry');
  });
});
