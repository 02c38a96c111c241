/**
 * The canary and halting fields of fleet.yaml (docs/plan.md, "Canaries and halts"):
 * `rollout.canary`, `rollout.cohortLabel`, `rollout.maxUnhealthy` and `acknowledge.verification`.
 * Part of buildPolicy: problems are reported at their field, and the caller then suspends the policy.
 */
import type { Report } from './build-policy.js';
import { DEFAULT_MAX_UNHEALTHY, type FleetPolicy, type RolloutAmount } from './types.js';

type Data = Record<string, unknown>;

/** `<serviceName>@sha256:<hex>`: one acknowledged verification verdict. */
export const VERIFICATION_ACK = /^[^\s@]+@sha256:[0-9a-f]{64}$/;

/**
 * Reads an amount: a whole number of 1 or more is a count; a number above 0 and below 1, or a
 * percentage string (`"10%"`, above 0 and at most 100), is a fraction. Undefined when invalid.
 */
export function parseAmount(value: unknown): RolloutAmount | undefined {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value >= 1) return { count: value };
    if (Number.isFinite(value) && value > 0 && value < 1) return { fraction: value };
    return undefined;
  }
  if (typeof value === 'string') {
    const match = /^\s*(\d{1,3}(?:\.\d+)?)\s*%\s*$/.exec(value);
    const percent = match ? Number(match[1]) : NaN;
    if (percent > 0 && percent <= 100) return { fraction: percent / 100 };
  }
  return undefined;
}

const AMOUNT_HELP =
  'a whole number of 1 or more, a fraction above 0 and below 1, or a percentage such as "10%"';

/** Reads rollout.canary, rollout.cohortLabel and rollout.maxUnhealthy into `r`. */
export function readCanaryFields(rollout: Data, r: FleetPolicy['rollout'], report: Report): void {
  if (rollout.canary !== undefined && rollout.canary !== null) {
    const amount = parseAmount(rollout.canary);
    if (amount) r.canary = amount;
    else report('policy-invalid', '/rollout/canary', `rollout.canary must be ${AMOUNT_HELP}`);
  }
  const label = rollout.cohortLabel;
  if (label !== undefined && label !== null) {
    if (typeof label === 'string' && label.trim() !== '') r.cohortLabel = label;
    else report('policy-invalid', '/rollout/cohortLabel', 'rollout.cohortLabel must be a label name');
  }
  const max = rollout.maxUnhealthy;
  if (max === undefined || max === null) return;
  if (typeof max === 'object' && !Array.isArray(max)) {
    // Each side defaults on its own.
    const both = max as Data;
    for (const key of Object.keys(both)) {
      if (key !== 'cohort' && key !== 'fleet')
        report(
          'policy-unknown-key',
          `/rollout/maxUnhealthy/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`,
          `rollout.maxUnhealthy.${key} is not a known key of fleet.yaml`,
          'key',
        );
    }
    const cohort = amountField(
      both.cohort,
      '/rollout/maxUnhealthy/cohort',
      'rollout.maxUnhealthy.cohort',
      report,
    );
    const fleet = amountField(
      both.fleet,
      '/rollout/maxUnhealthy/fleet',
      'rollout.maxUnhealthy.fleet',
      report,
    );
    r.maxUnhealthy = {
      cohort: cohort ?? DEFAULT_MAX_UNHEALTHY.cohort,
      fleet: fleet ?? DEFAULT_MAX_UNHEALTHY.fleet,
    };
    return;
  }
  const amount = parseAmount(max);
  if (amount) r.maxUnhealthy = { cohort: amount, fleet: amount };
  else
    report(
      'policy-invalid',
      '/rollout/maxUnhealthy',
      `rollout.maxUnhealthy must be ${AMOUNT_HELP}, or {cohort, fleet} with such values`,
    );
}

function amountField(
  value: unknown,
  pointer: string,
  field: string,
  report: Report,
): RolloutAmount | undefined {
  if (value === undefined || value === null) return undefined;
  const amount = parseAmount(value);
  if (!amount) report('policy-invalid', pointer, `${field} must be ${AMOUNT_HELP}`);
  return amount;
}

/** Reads acknowledge.verification: a list of `<serviceName>@<digest>`. */
export function readAcknowledgedVerifications(acknowledge: Data, policy: FleetPolicy, report: Report): void {
  const list = acknowledge.verification;
  if (list === undefined || list === null) return;
  if (Array.isArray(list) && list.every((x) => typeof x === 'string' && VERIFICATION_ACK.test(x))) {
    policy.acknowledgedVerifications = list as string[];
    return;
  }
  report(
    'policy-invalid',
    '/acknowledge/verification',
    'acknowledge.verification must be a list of SERVICE@sha256:<digest> (as the plan names them)',
  );
}
