/**
 * `buildPolicy`: fleet.yaml to a FleetPolicy with every default applied (DESIGN.md 1.2). Fails
 * safe: when any field of fleet.yaml is unusable, the policy comes back suspended (with the
 * reason `fleet.yaml is invalid`) so that a broken policy never means "no limits".
 */
import cron from 'node-cron';
import type { Diagnostic } from '../core/diagnostic.js';
import type { ErrorCode } from '../core/codes/registry.js';
import { DEFAULT_POLICY, type FleetPolicy, type MaintenanceWindow, type ParsedFile } from './types.js';
import { readAcknowledgedVerifications, readCanaryFields } from './rollout-fields.js';
import { escapeSegment } from './positions.js';
import { readVerify } from './build-verify.js';

/** The suspend reason of a policy built from an invalid fleet.yaml. */
export const INVALID_POLICY_REASON = 'fleet.yaml is invalid: reinstalls are suspended until it is corrected';

/** Time zone of a maintenance window that does not name one. */
export const DEFAULT_WINDOW_TIMEZONE = 'UTC';

type Data = Record<string, unknown>;
/** Reports a problem of fleet.yaml at a JSON pointer. */
export type Report = (code: ErrorCode, pointer: string, message: string, which?: 'key' | 'value') => void;

const KNOWN: Record<string, readonly string[]> = {
  '': ['apiVersion', 'kind', 'rollout', 'drift', 'suspend', 'api', 'acknowledge', 'verify'],
  rollout: [
    'maxConcurrent',
    'maxConcurrentPerLabel',
    'maxPerHour',
    'maxFailures',
    'maxFleetFraction',
    'windows',
    'canary',
    'cohortLabel',
    'maxUnhealthy',
  ],
  suspend: ['reason', 'until'],
  api: ['requestsPerMinute', 'steadyStateShare'],
  acknowledge: ['massReinstall', 'verification'],
  window: ['cron', 'duration', 'timezone'],
};

/** A fresh copy of the default policy (what a missing fleet.yaml means). */
export function defaultPolicy(): FleetPolicy {
  return structuredClone(DEFAULT_POLICY);
}

/** Parses a duration such as `4h`, `90m`, `30s` or `1h30m` into milliseconds; undefined if invalid or 0. */
export function parseDuration(text: string): number | undefined {
  const match = /^(?:(\d{1,5})h)?(?:(\d{1,6})m)?(?:(\d{1,7})s)?$/.exec(text.trim());
  if (!match || text.trim() === '') return undefined;
  const [, h = '0', m = '0', s = '0'] = match;
  const ms = ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000;
  return ms > 0 ? ms : undefined;
}

/** True when `name` is an IANA time zone this Node.js knows. */
export function isValidTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Builds the fleet policy from a parsed fleet.yaml (its data undefined when it did not parse). */
export function buildPolicy(parsed: ParsedFile): { policy: FleetPolicy; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const report: Report = (code, pointer, message, which = 'value') => {
    const pos = parsed.positionOf(pointer, which);
    diagnostics.push({
      file: parsed.file,
      line: pos.line,
      column: pos.column,
      severity: 'error',
      code,
      message,
    });
  };
  const policy = defaultPolicy();
  const data = parsed.data;
  if (parsed.diagnostics.some((d) => d.severity === 'error') || !isObject(data)) {
    if (!parsed.diagnostics.some((d) => d.severity === 'error'))
      report('policy-invalid', '', 'fleet.yaml must be a mapping');
    return { policy: suspendedPolicy(policy), diagnostics };
  }
  checkKeys(data, '', report);
  if (data.kind !== undefined && data.kind !== 'Fleet')
    report('policy-invalid', '/kind', 'kind must be Fleet');

  const rollout = section(data, 'rollout', report);
  if (rollout) {
    const r = policy.rollout;
    r.maxConcurrent = integer(rollout, 'rollout', 'maxConcurrent', 1, r.maxConcurrent, report);
    r.maxPerHour = integer(rollout, 'rollout', 'maxPerHour', 1, r.maxPerHour, report);
    r.maxFailures = integer(rollout, 'rollout', 'maxFailures', 1, r.maxFailures, report);
    const fraction = rollout.maxFleetFraction;
    if (fraction !== undefined) {
      if (typeof fraction === 'number' && fraction > 0 && fraction <= 1) r.maxFleetFraction = fraction;
      else
        report(
          'policy-invalid',
          '/rollout/maxFleetFraction',
          'rollout.maxFleetFraction must be a number above 0 and at most 1',
        );
    }
    const perLabel = section(rollout, 'maxConcurrentPerLabel', report, '/rollout');
    if (perLabel) {
      for (const label of Object.keys(perLabel)) {
        r.maxConcurrentPerLabel[label] = integer(
          perLabel,
          'rollout.maxConcurrentPerLabel',
          label,
          1,
          1,
          report,
        );
      }
    }
    r.windows = readWindows(rollout.windows, report);
    readCanaryFields(rollout, r, report);
  }
  if (data.drift !== undefined) {
    if (data.drift === 'report' || data.drift === 'reinstall') policy.drift = data.drift;
    else report('policy-invalid', '/drift', 'drift must be report or reinstall');
  }
  const suspend = section(data, 'suspend', report);
  if (suspend) readSuspend(suspend, policy, report);
  const api = section(data, 'api', report);
  if (api) {
    policy.api.requestsPerMinute = integer(
      api,
      'api',
      'requestsPerMinute',
      1,
      policy.api.requestsPerMinute,
      report,
    );
    const share = api.steadyStateShare;
    if (share !== undefined && share !== null) {
      if (typeof share === 'number' && share > 0 && share <= 1) policy.api.steadyStateShare = share;
      else
        report(
          'policy-invalid',
          '/api/steadyStateShare',
          'api.steadyStateShare must be a number above 0 and at most 1',
        );
    }
  }
  const acknowledge = section(data, 'acknowledge', report);
  if (acknowledge && acknowledge.massReinstall !== undefined && acknowledge.massReinstall !== null) {
    const hashes = acknowledge.massReinstall;
    if (Array.isArray(hashes) && hashes.every((h) => typeof h === 'string' && h.trim() !== '')) {
      policy.acknowledgedPlanHashes = hashes as string[];
    } else {
      report(
        'policy-invalid',
        '/acknowledge/massReinstall',
        'acknowledge.massReinstall must be a list of plan hashes',
      );
    }
  }
  const verify = readVerify(data, report);
  if (verify) policy.verify = verify;
  if (acknowledge) readAcknowledgedVerifications(acknowledge, policy, report);
  return { policy: diagnostics.length > 0 ? suspendedPolicy(policy) : policy, diagnostics };
}

/** The policy with reinstalls suspended because fleet.yaml is invalid. */
export function suspendedPolicy(policy: FleetPolicy): FleetPolicy {
  return { ...policy, suspend: { reason: INVALID_POLICY_REASON, until: null } };
}

function isObject(value: unknown): value is Data {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkKeys(data: Data, known: string, report: Report, pointer = ''): void {
  const allowed = KNOWN[known] ?? [];
  for (const key of Object.keys(data)) {
    if (!allowed.includes(key)) {
      const field = pointer === '' ? key : `${pointer.slice(1).replace(/\//g, '.')}.${key}`;
      report(
        'policy-unknown-key',
        `${pointer}/${escapeSegment(key)}`,
        `${field} is not a known key of fleet.yaml`,
        'key',
      );
    }
  }
}

function section(data: Data, key: string, report: Report, parent = ''): Data | undefined {
  const value = data[key];
  if (value === undefined || value === null) return undefined;
  const pointer = `${parent}/${key}`;
  if (!isObject(value)) {
    report('policy-invalid', pointer, `${pointer.slice(1).replace(/\//g, '.')} must be a mapping`);
    return undefined;
  }
  if (KNOWN[key]) checkKeys(value, key, report, pointer);
  return value;
}

function integer(
  data: Data,
  parent: string,
  key: string,
  min: number,
  fallback: number,
  report: Report,
): number {
  const value = data[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min) return value;
  report(
    'policy-invalid',
    `/${parent.replace(/\./g, '/')}/${escapeSegment(key)}`,
    `${parent}.${key} must be a whole number, ${min} or more`,
  );
  return fallback;
}

function readWindows(value: unknown, report: Report): MaintenanceWindow[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    report(
      'policy-invalid',
      '/rollout/windows',
      'rollout.windows must be a list of {cron, duration, timezone}',
    );
    return [];
  }
  const windows: MaintenanceWindow[] = [];
  value.forEach((w: unknown, i) => {
    const pointer = `/rollout/windows/${i}`;
    const field = `rollout.windows[${i}]`;
    if (!isObject(w)) {
      report('policy-invalid', pointer, `${field} must be a mapping with cron, duration and timezone`);
      return;
    }
    checkKeys(w, 'window', report, pointer);
    const expr = w.cron;
    const duration = w.duration;
    const timezone = w.timezone ?? DEFAULT_WINDOW_TIMEZONE;
    let ok = true;
    if (typeof expr !== 'string' || !cron.validate(expr)) {
      report(
        'policy-invalid-cron',
        `${pointer}/cron`,
        `${field}.cron: ${JSON.stringify(expr ?? null)} is not a valid cron expression`,
      );
      ok = false;
    }
    const durationMs = typeof duration === 'string' ? parseDuration(duration) : undefined;
    if (durationMs === undefined) {
      report(
        'policy-invalid-duration',
        `${pointer}/duration`,
        `${field}.duration: ${JSON.stringify(duration ?? null)} is not a duration such as 4h, 90m or 30s`,
      );
      ok = false;
    }
    if (typeof timezone !== 'string' || !isValidTimeZone(timezone)) {
      report(
        'policy-invalid-timezone',
        `${pointer}/timezone`,
        `${field}.timezone: ${JSON.stringify(timezone)} is not an IANA time zone`,
      );
      ok = false;
    }
    if (ok) windows.push({ cron: expr as string, durationMs: durationMs!, timezone: timezone as string });
  });
  return windows;
}

function readSuspend(suspend: Data, policy: FleetPolicy, report: Report): void {
  const { reason, until } = suspend;
  if (reason !== undefined && reason !== null) {
    if (typeof reason === 'string') policy.suspend.reason = reason;
    else report('policy-invalid', '/suspend/reason', 'suspend.reason must be text');
  }
  if (until !== undefined && until !== null) {
    const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
    if (typeof until === 'string' && iso.test(until) && !Number.isNaN(Date.parse(until)))
      policy.suspend.until = until;
    else
      report(
        'policy-invalid',
        '/suspend/until',
        'suspend.until must be an ISO 8601 date-time with a zone, e.g. 2026-12-01T08:00:00Z',
      );
  }
}
