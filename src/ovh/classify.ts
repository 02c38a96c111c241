/**
 * Classification of OVHcloud API failures: HTTP status + message (the official client drops the
 * `class` and `errorCode` fields) -> a stable code, a disposition, and the OVHcloud class when
 * it can be told. Pure: no I/O, no clock.
 */
import type { ErrorCode } from '../core/codes/registry.js';
import { REINSTALL_ERROR_TEMPLATES, type ErrorTemplate } from './error-templates.js';
import { OvhApiError, type Disposition } from './errors.js';
import type { RawFailure } from './failure.js';

/** The outcome of classifying one HTTP error answer. */
export interface HttpClassification {
  code: ErrorCode;
  disposition: Disposition;
  /** The OVHcloud class recognised from the message template, if exactly one fits. */
  ovhClass: string | undefined;
}

interface CompiledTemplate extends ErrorTemplate {
  pattern: RegExp;
  /** Characters outside placeholders: how specific the template is. */
  literalLength: number;
}

/** Turns `Task {{.taskId}} of type ...` into an anchored regex where each placeholder matches anything. */
export function templateToRegExp(template: string): RegExp {
  const parts = template.split(/\{\{\.[A-Za-z0-9_]+\}\}/);
  const escaped = parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('[\\s\\S]*?')}$`);
}

const COMPILED: readonly CompiledTemplate[] = REINSTALL_ERROR_TEMPLATES.map((t) => ({
  ...t,
  pattern: templateToRegExp(t.message),
  literalLength: t.message.replace(/\{\{\.[A-Za-z0-9_]+\}\}/g, '').length,
}));

/** Code and disposition of each OVHcloud class, by the last segment of the class name. */
export function codeForClass(ovhClass: string): { code: ErrorCode; disposition: Disposition } {
  const name = ovhClass.split('::').pop() ?? '';
  if (ovhClass.startsWith('Server::InternalServerError'))
    return { code: 'api-unavailable', disposition: 'transient' };
  if (ovhClass.startsWith('Server::NotImplemented'))
    return { code: 'api-storage-not-implemented', disposition: 'terminal' };
  if (ovhClass === 'Client::NotFound::DiskGroup')
    return { code: 'api-disk-group-not-found', disposition: 'terminal' };
  const byName: Record<string, { code: ErrorCode; disposition: Disposition }> = {
    TaskAlreadyExists: { code: 'api-task-already-exists', disposition: 'busy' },
    DisturbAlreadyExists: { code: 'api-disturb-already-exists', disposition: 'busy' },
    OperatingSystemIncompatible: { code: 'api-os-incompatible', disposition: 'terminal' },
    OperatingSystem: { code: 'api-os-not-found', disposition: 'terminal' },
    OperatingSystemLicenseMissing: { code: 'api-os-license-missing', disposition: 'terminal' },
    CustomizationName: { code: 'api-customization-name', disposition: 'terminal' },
    CustomizationInvalidFormat: { code: 'api-customization-invalid-format', disposition: 'terminal' },
    CustomizationSizeExceeded: { code: 'api-customization-size-exceeded', disposition: 'terminal' },
    HostnameInvalidFormat: { code: 'api-hostname-invalid', disposition: 'terminal' },
    HostnameSizeExceeded: { code: 'api-hostname-invalid', disposition: 'terminal' },
    IncompatibleParams: { code: 'api-incompatible-params', disposition: 'terminal' },
    PropertyName: { code: 'api-property-name', disposition: 'terminal' },
    DiskGroup: { code: 'api-disk-group-invalid', disposition: 'terminal' },
    SchemeName: { code: 'api-scheme-not-found', disposition: 'terminal' },
    BadAccess: { code: 'api-auth-required', disposition: 'auth' },
    RetrieveAccess: { code: 'api-auth-required', disposition: 'auth' },
  };
  const direct = byName[name];
  if (direct) return direct;
  if (name.startsWith('Partitioning'))
    return { code: 'api-partitioning-too-many-disks', disposition: 'terminal' };
  if (name.startsWith('Partition')) return { code: 'api-partition-invalid', disposition: 'terminal' };
  if (name.startsWith('HardwareRaid')) return { code: 'api-hardware-raid-invalid', disposition: 'terminal' };
  return { code: 'api-bad-request', disposition: 'terminal' };
}

/** A refusal of X-Ovh-Timestamp; OVHcloud's exact text is unconfirmed ("Query out of time" is seen in fakes). */
const TIMESTAMP_PATTERN = /timestamp|query out of time|time ?(drift|skew)/i;

/** Auth refusals, recognised by their message (the client drops `errorCode`). */
const AUTH_MESSAGES: readonly { pattern: RegExp; code: ErrorCode }[] = [
  { pattern: /invalid signature/i, code: 'api-auth-invalid-signature' },
  { pattern: /this credential is not valid/i, code: 'api-auth-invalid-credential' },
  { pattern: /this credential does not exist/i, code: 'api-auth-not-credential' },
  { pattern: /this call has not been granted/i, code: 'api-auth-not-granted' },
  {
    pattern: /invalid application key|application key .*(invalid|not valid|does not exist)|INVALID_KEY/i,
    code: 'api-auth-invalid-key',
  },
  { pattern: TIMESTAMP_PATTERN, code: 'api-auth-timestamp' },
];

/** True when an answer refuses the request for its X-Ovh-Timestamp (the client's cached delta is stale). */
export function isTimestampRefusal(status: number, message: string | null): boolean {
  return (status === 400 || status === 401 || status === 403) && TIMESTAMP_PATTERN.test(message ?? '');
}

/** Classifies an HTTP error answer by status and message. */
export function classifyHttp(status: number, message: string | null): HttpClassification {
  const text = message ?? '';
  const matches = COMPILED.filter((t) => t.status === status && t.pattern.test(text));
  if (matches.length > 0) {
    // A wildcard can swallow another template's literal text (PartitionIncompatibleLvm matches
    // every PartitionIncompatibleFs message): the template with the most literal text wins.
    const best = Math.max(...matches.map((m) => m.literalLength));
    const winners = matches.filter((m) => m.literalLength === best);
    const classes = new Set(winners.map((m) => m.ovhClass));
    const first = winners[0] as CompiledTemplate;
    // Some classes share one template (PartitionForbiddenLvName/Mountpoint/ZpName): same code,
    // but the class cannot be told apart.
    return { ...codeForClass(first.ovhClass), ovhClass: classes.size === 1 ? first.ovhClass : undefined };
  }
  if (status === 400 || status === 401 || status === 403) {
    const auth = AUTH_MESSAGES.find((a) => a.pattern.test(text));
    if (auth) return { code: auth.code, disposition: 'auth', ovhClass: undefined };
  }
  if (status === 429) return { code: 'api-rate-limited', disposition: 'waiting', ovhClass: undefined };
  if (status === 401 || status === 403)
    return { code: 'api-auth-required', disposition: 'auth', ovhClass: undefined };
  if (status === 404) return { code: 'api-not-found', disposition: 'not-found', ovhClass: undefined };
  if (status === 460) return { code: 'api-service-expired', disposition: 'not-found', ovhClass: undefined };
  if (status >= 500) return { code: 'api-unavailable', disposition: 'transient', ovhClass: undefined };
  return { code: 'api-bad-request', disposition: 'terminal', ovhClass: undefined };
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_|ERR_TLS|ERR_SSL/;
/** Errors raised before any byte of the request could reach the API. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** The request a failure belongs to. */
export interface RequestContext {
  method: string;
  /** Path without the base path, with query string if any. */
  path: string;
}

/**
 * Turns a raw failure into the OvhApiError callers see. A failure of anything but GET that may
 * have been carried out (5xx, timeout, reset, unparseable answer) is `ambiguous`.
 */
export function classifyFailure(failure: RawFailure, ctx: RequestContext): OvhApiError {
  const write = ctx.method !== 'GET';
  const base = { method: ctx.method, path: ctx.path };
  switch (failure.kind) {
    case 'http': {
      const c = classifyHttp(failure.status, failure.message);
      const queryId = failure.meta?.queryId ? ` [queryId ${failure.meta.queryId}]` : '';
      return new OvhApiError({
        ...base,
        code: c.code,
        disposition: c.disposition,
        status: failure.status,
        ...(c.ovhClass ? { ovhClass: c.ovhClass } : {}),
        message: `${failure.message ?? `HTTP ${failure.status} without message`}${queryId}`,
        ambiguous: write && c.disposition === 'transient',
        ...(c.disposition === 'waiting' && failure.meta?.retryAfterMs !== undefined
          ? { retryAfterMs: failure.meta.retryAfterMs }
          : {}),
      });
    }
    case 'network': {
      const code = failure.code ?? '';
      if (TLS_CODES.test(code))
        return new OvhApiError({
          ...base,
          code: 'api-tls-untrusted',
          disposition: 'auth',
          message: `TLS handshake failed (${code}): ${failure.message}`,
        });
      return new OvhApiError({
        ...base,
        code: 'api-network',
        disposition: 'transient',
        message: `network error${code ? ` ${code}` : ''}: ${failure.message}`,
        ambiguous: write && !NOT_SENT_CODES.has(code),
      });
    }
    case 'timeout':
      return new OvhApiError({
        ...base,
        code: 'api-timeout',
        disposition: 'transient',
        message: failure.message,
        ambiguous: write,
      });
    case 'unparseable': {
      const status = failure.meta?.status;
      return new OvhApiError({
        ...base,
        code: 'api-unparseable-answer',
        disposition: 'transient',
        message: `the answer is not JSON${status === undefined ? '' : ` (HTTP ${status})`}`,
        ...(status === undefined ? {} : { status }),
        ambiguous: write,
      });
    }
    case 'time-unavailable':
      return new OvhApiError({
        ...base,
        code: 'api-time-unavailable',
        disposition: 'transient',
        message: 'GET /auth/time failed; the request was not sent',
      });
    case 'oauth2':
      return new OvhApiError({
        ...base,
        code: 'api-auth-oauth2',
        disposition: failure.status !== undefined && failure.status >= 500 ? 'transient' : 'auth',
        message: `OAuth2 token request failed: ${failure.message}`,
        ...(failure.status === undefined ? {} : { status: failure.status }),
      });
    case 'aborted':
      return new OvhApiError({
        ...base,
        code: 'api-aborted',
        disposition: 'transient',
        message: failure.sent
          ? 'cancelled while waiting for the answer'
          : 'cancelled before the request was sent',
        ambiguous: write && failure.sent,
      });
    case 'unknown':
      return new OvhApiError({
        ...base,
        code: 'api-network',
        disposition: 'transient',
        message: failure.message,
        ambiguous: write,
      });
  }
}
