/**
 * Reading and writing `status/<serviceName>.yaml` (format in docs/status-format.md). Both are
 * pure: the daemon does the file I/O. A corrupted record is reported as a diagnostic and yields no
 * record; the planner then treats the server as having none, with a warning.
 */
import { Document, parseDocument } from 'yaml';
import type { Diagnostic } from '../core/diagnostic.js';
import { checkYamlText, YAML_LIMITS } from '../core/yaml-guard.js';
import type {
  AppliedRecord,
  AttemptRecord,
  CanonicalSpec,
  ErrorRecord,
  RolloutMark,
  StatusPhase,
  StatusRecord,
  TaskProgress,
  VerificationProbeResult,
  VerificationRecord,
  VerificationRounds,
} from './types.js';
import { fastParseYaml } from '../specs/fast-yaml.js';
import { fastRecordYaml } from './fast-record-yaml.js';
import { Fields, RecordShapeError } from './fields.js';

/** `apiVersion` and `kind` every record starts with. */
export const STATUS_API_VERSION = 'ovh-fleet/v1';
export const STATUS_KIND = 'ServerStatus';

const PHASES: readonly StatusPhase[] = [
  'pending',
  'reinstalling',
  'verifying',
  'ready',
  'unhealthy',
  'failed',
  'drifted',
  'invalid',
  'unmanaged',
  'unknown',
];

/** Every phase a status record can have, in the order of a server's life. */
export const STATUS_PHASES: readonly StatusPhase[] = PHASES;

/** The result of {@link parseStatusRecord}: a record, or the diagnostics that explain why not. */
export interface ParsedStatusRecord {
  record?: StatusRecord;
  diagnostics: Diagnostic[];
}

/** Parses the text of one status file; never throws. `file` is repository-relative. */
export function parseStatusRecord(text: string, file: string): ParsedStatusRecord {
  if (text.length > YAML_LIMITS.maxChars) {
    return { diagnostics: [ignoredRecord(file, `more than ${YAML_LIMITS.maxChars} characters`)] };
  }
  const fast = fastParseYaml(text);
  if (fast !== undefined) return recordOf(fast, file);
  // Nesting, keys, anchors, aliases and tokens are bounded before yaml parses the text.
  const hazard = checkYamlText(text);
  if (hazard) return { diagnostics: [ignoredRecord(file, hazard.message, hazard)] };
  const doc = parseDocument(text, { uniqueKeys: true, strict: true, prettyErrors: false });
  const first = doc.errors[0];
  if (first) {
    return { diagnostics: [ignoredRecord(file, `not valid YAML: ${first.message.split('\n')[0] ?? ''}`)] };
  }
  try {
    return recordOf(doc.toJS({ maxAliasCount: 0 }), file);
  } catch (error) {
    return { diagnostics: [ignoredRecord(file, String(error))] };
  }
}

function recordOf(data: unknown, file: string): ParsedStatusRecord {
  try {
    return { record: readRecord(new Fields(data, '')), diagnostics: [] };
  } catch (error) {
    const message = error instanceof RecordShapeError ? error.message : String(error);
    return { diagnostics: [ignoredRecord(file, message)] };
  }
}

/** The warning of a status record that is ignored (treated as absent), and why. */
export function ignoredRecord(
  file: string,
  why: string,
  at: { line: number; column: number } = { line: 1, column: 1 },
): Diagnostic {
  return {
    file,
    line: at.line,
    column: at.column,
    severity: 'warning',
    code: 'status-record-invalid',
    message: `status record ignored (treated as absent): ${why}`,
  };
}

function readRecord(f: Fields): StatusRecord {
  if (f.str('apiVersion') !== STATUS_API_VERSION)
    throw new RecordShapeError(`apiVersion must be ${STATUS_API_VERSION}`);
  if (f.str('kind') !== STATUS_KIND) throw new RecordShapeError(`kind must be ${STATUS_KIND}`);
  const phase = f.str('phase');
  if (!(PHASES as readonly string[]).includes(phase))
    throw new RecordShapeError(`/phase: unknown phase "${phase}"`);
  const spec = f.optObj('spec');
  const verification = mapOpt(f.optObj('verification'), readVerification);
  const rollout = mapOpt(f.optObj('rollout'), readRollout);
  return {
    serviceName: f.str('serviceName'),
    phase: phase as StatusPhase,
    reason: f.str('reason'),
    message: f.str('message'),
    since: f.str('since'),
    spec: spec ? { file: spec.str('file'), commit: spec.str('commit') } : null,
    desiredDigest: f.optStr('desiredDigest'),
    observedOs: f.optStr('observedOs'),
    task: mapOpt(f.optObj('task'), readTask),
    lastApplied: mapOpt(f.optObj('lastApplied'), readApplied),
    lastAttempt: mapOpt(f.optObj('lastAttempt'), readAttempt),
    attempts: f.strList('attempts'),
    lastError: mapOpt(f.optObj('lastError'), readError),
    // Written only when set: a record without them reads back without them.
    ...(verification ? { verification } : {}),
    ...(rollout ? { rollout } : {}),
  };
}

function readVerification(f: Fields): VerificationRecord {
  return {
    digest: f.str('digest'),
    result: f.oneOf('result', ['running', 'healthy', 'unhealthy', 'inconclusive'] as const),
    startedAt: f.str('startedAt'),
    finishedAt: f.optStr('finishedAt'),
    message: f.optStr('message'),
    // Written only with a verdict: a record without them reads back without them.
    ...optional('rounds', mapOpt(f.optObj('rounds'), readRounds)),
    ...optional('probes', readProbeResults(f.json('probes', 'array-or-null') as unknown[] | null)),
  };
}

function readRounds(f: Fields): VerificationRounds {
  return {
    total: f.num('total'),
    success: f.num('success'),
    failure: f.num('failure'),
    inconclusive: f.num('inconclusive'),
  };
}

function readProbeResults(items: unknown[] | null): VerificationProbeResult[] | null {
  if (items === null) return null;
  return items.map((item, i) => {
    const f = new Fields(item, `/verification/probes/${i}`);
    const outcome = f.oneOf('outcome', ['success', 'failure', 'inconclusive'] as const);
    const reason = f.optStr('reason');
    return { probe: f.str('probe'), outcome, ...(reason !== null ? { reason } : {}) };
  });
}

/** `{[key]: value}` when value is set, else `{}` (fields written only when set). */
function optional<K extends string, T>(key: K, value: T | null): { [k in K]?: T } {
  return value === null ? {} : ({ [key]: value } as { [k in K]?: T });
}

function readRollout(f: Fields): RolloutMark {
  const canary = f.bool('canary');
  const profile = f.optStr('profile');
  return { cohort: f.str('cohort'), canary, ...(profile !== null ? { profile } : {}) };
}

function mapOpt<T>(f: Fields | null, read: (f: Fields) => T): T | null {
  return f ? read(f) : null;
}

function readTask(f: Fields): TaskProgress {
  return {
    id: f.num('id'),
    status: f.str('status'),
    step: f.optNum('step'),
    steps: f.optNum('steps'),
    currentStep: f.optStr('currentStep'),
    elapsedSeconds: f.optNum('elapsedSeconds'),
    startedAt: f.str('startedAt'),
  };
}

function readApplied(f: Fields): AppliedRecord {
  const result = f.oneOf('result', ['done', 'adopted'] as const);
  return {
    digest: f.str('digest'),
    operatingSystem: f.str('operatingSystem'),
    planHash: f.str('planHash'),
    specCommit: f.str('specCommit'),
    taskId: f.optNum('taskId'),
    startedAt: f.str('startedAt'),
    finishedAt: f.str('finishedAt'),
    result,
    spec: readCanonical(f.obj('spec')),
  };
}

function readCanonical(f: Fields): CanonicalSpec {
  const reinstall = f.obj('reinstall');
  return {
    operatingSystem: f.str('operatingSystem'),
    customizations: f.json('customizations', 'object') as CanonicalSpec['customizations'],
    storage: f.json('storage', 'array-or-null') as CanonicalSpec['storage'],
    reinstall: { generation: reinstall.num('generation') },
  };
}

function readAttempt(f: Fields): AttemptRecord {
  return {
    digest: f.str('digest'),
    result: f.oneOf('result', ['done', 'failed', 'running'] as const),
    startedAt: f.str('startedAt'),
    finishedAt: f.optStr('finishedAt'),
    taskId: f.optNum('taskId'),
    message: f.optStr('message'),
  };
}

function readError(f: Fields): ErrorRecord {
  return { code: f.str('code'), message: f.str('message'), at: f.str('at') };
}

/**
 * Writes a record as YAML with a fixed key order, no line folding and sorted keys inside the
 * canonical spec, so that equal records give equal bytes and an unchanged server makes no diff.
 */
export function serializeStatusRecord(record: StatusRecord): string {
  const ordered = orderedRecord(record);
  return fastRecordYaml(ordered, RECORD_HEADER) ?? yamlOf(ordered);
}

/** The record as the plain object that is written: fixed key order, sorted canonical spec keys. */
export function orderedRecord(record: StatusRecord): Record<string, unknown> {
  return {
    apiVersion: STATUS_API_VERSION,
    kind: STATUS_KIND,
    serviceName: record.serviceName,
    phase: record.phase,
    reason: record.reason,
    message: record.message,
    since: record.since,
    spec: record.spec ? { file: record.spec.file, commit: record.spec.commit } : null,
    desiredDigest: record.desiredDigest,
    observedOs: record.observedOs,
    task: record.task
      ? {
          id: record.task.id,
          status: record.task.status,
          step: record.task.step,
          steps: record.task.steps,
          currentStep: record.task.currentStep,
          elapsedSeconds: record.task.elapsedSeconds,
          startedAt: record.task.startedAt,
        }
      : null,
    lastApplied: record.lastApplied ? orderApplied(record.lastApplied) : null,
    lastAttempt: record.lastAttempt
      ? {
          digest: record.lastAttempt.digest,
          result: record.lastAttempt.result,
          startedAt: record.lastAttempt.startedAt,
          finishedAt: record.lastAttempt.finishedAt,
          taskId: record.lastAttempt.taskId,
          message: record.lastAttempt.message,
        }
      : null,
    attempts: [...record.attempts],
    lastError: record.lastError
      ? { code: record.lastError.code, message: record.lastError.message, at: record.lastError.at }
      : null,
    // Only when set, so that records of fleets without verification or canaries stay as they were.
    ...(record.verification
      ? {
          verification: {
            digest: record.verification.digest,
            result: record.verification.result,
            startedAt: record.verification.startedAt,
            finishedAt: record.verification.finishedAt,
            message: record.verification.message,
            ...(record.verification.rounds
              ? {
                  rounds: {
                    total: record.verification.rounds.total,
                    success: record.verification.rounds.success,
                    failure: record.verification.rounds.failure,
                    inconclusive: record.verification.rounds.inconclusive,
                  },
                }
              : {}),
            ...(record.verification.probes
              ? {
                  probes: record.verification.probes.map((p) => ({
                    probe: p.probe,
                    outcome: p.outcome,
                    ...(p.reason !== undefined ? { reason: p.reason } : {}),
                  })),
                }
              : {}),
          },
        }
      : {}),
    ...(record.rollout
      ? {
          rollout: {
            cohort: record.rollout.cohort,
            canary: record.rollout.canary,
            ...(record.rollout.profile !== undefined ? { profile: record.rollout.profile } : {}),
          },
        }
      : {}),
  };
}

/** The comment every record file starts with (`#` + this). */
export const RECORD_HEADER = ' Written by ovh-fleet; do not edit. Format: docs/status-format.md';

/** The `yaml` package's rendering (what {@link fastRecordYaml} reproduces for common records). */
export function yamlOf(ordered: Record<string, unknown>): string {
  const text = render(ordered, false);
  // The yaml package does not read back every string it writes in block style (e.g. " \n" in a
  // sequence loses its space): a record that would not read back equal is written with every
  // string double-quoted, which always does.
  return readsBackEqual(text, ordered) ? text : render(ordered, true);
}

function render(ordered: Record<string, unknown>, quoteAll: boolean): string {
  const doc = new Document(ordered);
  doc.commentBefore = RECORD_HEADER;
  return doc.toString({
    lineWidth: 0,
    flowCollectionPadding: false,
    indentSeq: true,
    ...(quoteAll ? { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', blockQuote: false } : {}),
  });
}

function readsBackEqual(text: string, value: unknown): boolean {
  const exact = (v: unknown): string =>
    JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && Object.is(x, -0) ? '#-0' : x));
  try {
    return exact(parseDocument(text).toJS()) === exact(value);
  } catch {
    return false;
  }
}

function orderApplied(a: AppliedRecord): Record<string, unknown> {
  return {
    digest: a.digest,
    operatingSystem: a.operatingSystem,
    planHash: a.planHash,
    specCommit: a.specCommit,
    taskId: a.taskId,
    startedAt: a.startedAt,
    finishedAt: a.finishedAt,
    result: a.result,
    spec: {
      operatingSystem: a.spec.operatingSystem,
      customizations: sortKeysDeep(a.spec.customizations),
      storage: sortKeysDeep(a.spec.storage),
      reinstall: { generation: a.spec.reinstall.generation },
    },
  };
}

/** A copy with object keys sorted at every depth (arrays keep their order). */
export function sortKeysDeep<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => sortKeysDeep(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort())
      out[key] = sortKeysDeep((value as Record<string, unknown>)[key]);
    return out as T;
  }
  return value;
}
