/**
 * `readVerify`: fleet.yaml's `verify` section to a VerifyPolicy with every default applied
 * (docs/verification.md). The schema (src/validate/verify-schema.ts) checks the shapes; this adds
 * what a schema cannot say well: the fields each probe type allows, unique probe names, URL
 * templates, repository-relative command paths, and timings under which `ready` is reachable.
 * Every problem is reported at its field; a bad section suspends reinstalls like any bad field.
 */
import type { ErrorCode } from '../core/codes/registry.js';
import { escapeSegment } from './positions.js';
import {
  DEFAULT_EXPECT_STATUS,
  DEFAULT_SSH_PORT,
  PROBE_TYPES,
  VERIFY_DEFAULTS,
  type ProbeSpec,
  type VerifyOverride,
  type VerifyPolicy,
  type VerifySettings,
} from './verify-types.js';

type Data = Record<string, unknown>;
/** The reporter of buildPolicy: a code, a JSON pointer into fleet.yaml, a sentence. */
export type VerifyReport = (
  code: ErrorCode,
  pointer: string,
  message: string,
  which?: 'key' | 'value',
) => void;

const TIMING_KEYS = ['initialDelay', 'interval', 'timeout', 'successes', 'failureLimit', 'deadline'];
const SECTION_KEYS = ['probes', ...TIMING_KEYS, 'byLabel'];
const OVERRIDE_KEYS = ['labels', 'probes', ...TIMING_KEYS];
/** The keys each probe type allows besides `name` and `type`. */
const PROBE_KEYS: Record<ProbeSpec['type'], readonly string[]> = {
  tcp: ['port'],
  ssh: ['port'],
  http: ['url', 'expectStatus', 'bodyContains'],
  https: ['url', 'expectStatus', 'bodyContains'],
  command: ['command'],
};
/** The placeholders of an http(s) probe's URL. */
export const URL_PLACEHOLDERS = ['address', 'reverse', 'serviceName'] as const;
const PROBE_NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;
const MAX_PROBES = 16;

/** Reads `data.verify`; undefined when the section is absent (no verification). */
export function readVerify(data: Data, report: VerifyReport): VerifyPolicy | undefined {
  const section = data.verify;
  if (section === undefined || section === null) return undefined;
  if (!isObject(section)) {
    report('policy-invalid', '/verify', 'verify must be a mapping with probes and timings');
    return undefined;
  }
  unknownKeys(section, SECTION_KEYS, '/verify', report);
  if (section.probes === undefined || section.probes === null)
    report('policy-invalid', '/verify', 'verify.probes is required: a list of at least one probe');
  const defaults: VerifySettings = {
    probes: [],
    initialDelayMs: VERIFY_DEFAULTS.initialDelayMs,
    intervalMs: VERIFY_DEFAULTS.intervalMs,
    timeoutMs: VERIFY_DEFAULTS.timeoutMs,
    successes: VERIFY_DEFAULTS.successes,
    failureLimit: VERIFY_DEFAULTS.failureLimit,
    deadlineMs: VERIFY_DEFAULTS.deadlineMs,
  };
  const settings = readSettings(section, defaults, '/verify', report);
  const byLabel: VerifyOverride[] = [];
  const overrides = section.byLabel;
  if (overrides !== undefined && overrides !== null) {
    if (!Array.isArray(overrides)) {
      report('policy-invalid', '/verify/byLabel', 'verify.byLabel must be a list of {labels, …}');
    } else {
      overrides.forEach((entry: unknown, i) => {
        const override = readOverride(entry, settings, `/verify/byLabel/${i}`, report);
        if (override) byLabel.push(override);
      });
    }
  }
  return { settings, byLabel };
}

function readOverride(
  entry: unknown,
  base: VerifySettings,
  pointer: string,
  report: VerifyReport,
): VerifyOverride | undefined {
  const field = fieldOf(pointer);
  if (!isObject(entry)) {
    report('policy-invalid', pointer, `${field} must be a mapping with labels and the fields it overrides`);
    return undefined;
  }
  unknownKeys(entry, OVERRIDE_KEYS, pointer, report);
  const labels = entry.labels;
  const pairs = isObject(labels) ? Object.entries(labels) : [];
  if (pairs.length === 0 || pairs.some(([, v]) => typeof v !== 'string')) {
    report(
      'policy-invalid',
      `${pointer}/labels`,
      `${field}.labels must map label names to values, e.g. {role: db}`,
    );
    return undefined;
  }
  const settings = readSettings(entry, base, pointer, report);
  return { labels: Object.fromEntries(pairs) as Record<string, string>, settings };
}

/** The settings of `data` (the section or one override), starting from `base`. */
function readSettings(
  data: Data,
  base: VerifySettings,
  pointer: string,
  report: VerifyReport,
): VerifySettings {
  const settings: VerifySettings = { ...base, probes: [...base.probes] };
  if (data.probes !== undefined && data.probes !== null)
    settings.probes = readProbes(data.probes, pointer, report);
  const duration = (key: string, zero: boolean, fallback: number): number => {
    const value = data[key];
    if (value === undefined || value === null) return fallback;
    const ms = typeof value === 'string' ? parseVerifyDuration(value) : undefined;
    if (ms === undefined || (ms === 0 && !zero)) {
      report(
        'policy-invalid-duration',
        `${pointer}/${key}`,
        `${fieldOf(pointer)}.${key}: ${JSON.stringify(value)} is not a duration such as 30s, 15m or 1h${zero ? '' : ' above 0'}`,
      );
      return fallback;
    }
    return ms;
  };
  const count = (key: string, fallback: number): number => {
    const value = data[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 && value <= 100) return value;
    report(
      'policy-invalid',
      `${pointer}/${key}`,
      `${fieldOf(pointer)}.${key} must be a whole number from 1 to 100`,
    );
    return fallback;
  };
  settings.initialDelayMs = duration('initialDelay', true, base.initialDelayMs);
  settings.intervalMs = duration('interval', false, base.intervalMs);
  settings.timeoutMs = duration('timeout', false, base.timeoutMs);
  settings.deadlineMs = duration('deadline', false, base.deadlineMs);
  settings.successes = count('successes', base.successes);
  settings.failureLimit = count('failureLimit', base.failureLimit);
  // An override that sets no timing has the fleet's, already checked at their own lines.
  if (pointer === '/verify' || TIMING_KEYS.some((k) => data[k] !== undefined && data[k] !== null))
    checkTimings(settings, pointer, report);
  return settings;
}

/** Timings under which a verification can end `ready`, and a probe ends before the next round. */
function checkTimings(s: VerifySettings, pointer: string, report: VerifyReport): void {
  const field = fieldOf(pointer);
  if (s.timeoutMs > s.intervalMs)
    report(
      'policy-invalid',
      `${pointer}/timeout`,
      `${field}.timeout must not be longer than ${field}.interval`,
    );
  const lastNeeded = s.initialDelayMs + (s.successes - 1) * s.intervalMs;
  if (s.deadlineMs < lastNeeded)
    report(
      'policy-invalid',
      `${pointer}/deadline`,
      `${field}.deadline must leave room for ${s.successes} passing round(s): at least initialDelay + (successes - 1) × interval = ${lastNeeded / 1000}s`,
    );
}

function readProbes(value: unknown, pointer: string, report: VerifyReport): ProbeSpec[] {
  const field = `${fieldOf(pointer)}.probes`;
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_PROBES) {
    report('policy-invalid', `${pointer}/probes`, `${field} must be a list of 1 to ${MAX_PROBES} probes`);
    return [];
  }
  const probes: ProbeSpec[] = [];
  const names = new Set<string>();
  value.forEach((entry: unknown, i) => {
    const probe = readProbe(entry, `${pointer}/probes/${i}`, report);
    if (!probe) return;
    if (names.has(probe.name)) {
      report('policy-invalid', `${pointer}/probes/${i}/name`, `${field}: two probes are named ${probe.name}`);
      return;
    }
    names.add(probe.name);
    probes.push(probe);
  });
  return probes;
}

function readProbe(entry: unknown, pointer: string, report: VerifyReport): ProbeSpec | undefined {
  const field = fieldOf(pointer);
  if (!isObject(entry)) {
    report('policy-invalid', pointer, `${field} must be a mapping with name and type`);
    return undefined;
  }
  const { name, type } = entry;
  let ok = true;
  if (typeof name !== 'string' || !PROBE_NAME.test(name)) {
    report('policy-invalid', `${pointer}/name`, `${field}.name must be 1 to 32 of a-z, 0-9 and -`);
    ok = false;
  }
  if (typeof type !== 'string' || !(PROBE_TYPES as readonly string[]).includes(type)) {
    report('policy-invalid', `${pointer}/type`, `${field}.type must be one of ${PROBE_TYPES.join(', ')}`);
    return undefined;
  }
  const kind = type as ProbeSpec['type'];
  unknownKeys(entry, ['name', 'type', ...PROBE_KEYS[kind]], pointer, report, ` of a ${kind} probe`);
  const probeName = name as string;
  switch (kind) {
    case 'tcp':
    case 'ssh': {
      const port = readPort(entry.port, kind === 'ssh' ? DEFAULT_SSH_PORT : undefined, pointer, report);
      return ok && port !== undefined ? { name: probeName, type: kind, port } : undefined;
    }
    case 'http':
    case 'https': {
      const url = readUrl(entry.url, kind, `${pointer}/url`, report);
      const expectStatus = readStatus(entry.expectStatus, `${pointer}/expectStatus`, report);
      const body = entry.bodyContains;
      if (
        body !== undefined &&
        body !== null &&
        (typeof body !== 'string' || body === '' || body.length > 256)
      ) {
        report(
          'policy-invalid',
          `${pointer}/bodyContains`,
          `${field}.bodyContains must be text of 1 to 256 characters`,
        );
        ok = false;
      }
      if (!ok || url === undefined || expectStatus === undefined) return undefined;
      return {
        name: probeName,
        type: kind,
        url,
        expectStatus,
        bodyContains: typeof body === 'string' ? body : null,
      };
    }
    case 'command': {
      const command = readCommand(entry.command, `${pointer}/command`, report);
      return ok && command ? { name: probeName, type: 'command', command } : undefined;
    }
  }
}

function readPort(
  value: unknown,
  fallback: number | undefined,
  pointer: string,
  report: VerifyReport,
): number | undefined {
  if ((value === undefined || value === null) && fallback !== undefined) return fallback;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 && value <= 65_535) return value;
  report(
    'policy-invalid',
    `${pointer}/port`,
    `${fieldOf(pointer)}.port must be a port number from 1 to 65535`,
  );
  return undefined;
}

function readStatus(value: unknown, pointer: string, report: VerifyReport): number | undefined {
  if (value === undefined || value === null) return DEFAULT_EXPECT_STATUS;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 100 && value <= 599) return value;
  report('policy-invalid', pointer, `${fieldOf(pointer)} must be an HTTP status from 100 to 599`);
  return undefined;
}

/**
 * A URL template: the scheme of the probe's type, only known placeholders, and a valid URL once
 * they are filled with sample values.
 */
function readUrl(
  value: unknown,
  type: 'http' | 'https',
  pointer: string,
  report: VerifyReport,
): string | undefined {
  const field = fieldOf(pointer);
  if (typeof value !== 'string' || value.length > 2048) {
    report('policy-invalid', pointer, `${field} is required: a URL such as ${type}://{address}/health`);
    return undefined;
  }
  if (!value.startsWith(`${type}://`)) {
    report('policy-invalid', pointer, `${field} must start with ${type}:// (the probe's type)`);
    return undefined;
  }
  for (const [, name] of value.matchAll(/\{([^{}]*)\}/g)) {
    if (!(URL_PLACEHOLDERS as readonly string[]).includes(name ?? '')) {
      report(
        'policy-invalid',
        pointer,
        `${field}: {${name}} is not a placeholder; use {address}, {reverse} or {serviceName}`,
      );
      return undefined;
    }
  }
  const sample = value.replace(/\{[A-Za-z]+\}/g, 'x.example');
  try {
    const url = new URL(sample);
    if (url.username || url.password) {
      report('policy-invalid', pointer, `${field} must not carry credentials`);
      return undefined;
    }
  } catch {
    report('policy-invalid', pointer, `${field} is not a valid URL once its placeholders are filled`);
    return undefined;
  }
  return value;
}

/** `[path, ...args]`: a normalized repository-relative path, and text arguments. */
function readCommand(value: unknown, pointer: string, report: VerifyReport): string[] | undefined {
  const field = fieldOf(pointer);
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    value.length > 32 ||
    !value.every((a) => typeof a === 'string' && a.length <= 1024 && !a.includes('\0'))
  ) {
    report('policy-invalid', pointer, `${field} must be a list: the executable's path, then its arguments`);
    return undefined;
  }
  const [file] = value as string[];
  if (!isRepositoryPath(file!)) {
    report(
      'policy-invalid',
      `${pointer}/0`,
      `${field}[0] must be a path inside the fleet repository, e.g. scripts/check.sh (no leading /, no .., no ./)`,
    );
    return undefined;
  }
  return [...(value as string[])];
}

/** A normalized relative path with forward slashes: no empty, `.` or `..` segment, no backslash. */
export function isRepositoryPath(file: string): boolean {
  if (file === '' || file.length > 512 || file.includes('\\') || file.includes('\0')) return false;
  return file.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

/** A duration such as `30s`, `15m`, `1h30m`, or `0s`; undefined when not one. */
export function parseVerifyDuration(text: string): number | undefined {
  const match = /^(?:(\d{1,5})h)?(?:(\d{1,6})m)?(?:(\d{1,7})s)?$/.exec(text.trim());
  if (!match || text.trim() === '') return undefined;
  const [, h = '0', m = '0', s = '0'] = match;
  return ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000;
}

function unknownKeys(
  data: Data,
  allowed: readonly string[],
  pointer: string,
  report: VerifyReport,
  what = '',
): void {
  for (const key of Object.keys(data)) {
    if (!allowed.includes(key))
      report(
        'policy-unknown-key',
        `${pointer}/${escapeSegment(key)}`,
        `${fieldOf(pointer)}.${key} is not a known key${what}`,
        'key',
      );
  }
}

/** `/verify/probes/0` → `verify.probes[0]`. */
function fieldOf(pointer: string): string {
  return pointer
    .slice(1)
    .split('/')
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}

function isObject(value: unknown): value is Data {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
