/**
 * The OvhApi implementation: every call takes a token of the shared request budget, reads are
 * retried with backoff, the reinstall POST never is, and every answer is checked at the
 * boundary (a malformed answer is an OvhApiError `api-malformed-answer`).
 */
import type { Clock } from '../core/clock.js';
import { silentLogger, type Logger } from '../core/logger.js';
import {
  decodeCompatibleTemplates,
  decodeHardware,
  decodeIdList,
  decodeInstallProgress,
  decodeServer,
  decodeStringList,
  decodeTask,
  decodeTaskResponse,
  decodeTemplate,
  decodeTemplateInfos,
} from './answer-guards.js';
import { DecodeError, type Decoder } from './decode.js';
import { OvhApiError } from './errors.js';
import type { CallOptions, ExpandedList, OvhApi, TaskFilter } from './ovh-api.js';
import { API_TIME_PATH } from './node-ovh-transport.js';
import { ovhPath } from './path.js';
import type { RequestBudget } from './request-budget.js';
import {
  DEFAULT_RETRY_POLICY,
  isRetryable,
  rateLimitPauseMs,
  retryDelay,
  type RetryPolicy,
} from './retry-policy.js';
import type { OvhTransport, Query, TransportRequest } from './transport.js';
import type {
  CompatibleTemplates,
  DedicatedServer,
  HardwareSpecifications,
  InstallProgress,
  ReinstallBody,
  ServerTask,
  TaskResponse,
  Template,
  TemplateInfo,
} from './types.js';

/** What the adapter is built from; the composition root wires the real ones (create-ovh-api.ts). */
export interface AdapterDependencies {
  transport: OvhTransport;
  /** The budget of this credential, from the process-wide registry. */
  budget: RequestBudget;
  clock: Clock;
  /** Uniform in [0, 1); injected so tests are deterministic. */
  random?: () => number;
  retry?: RetryPolicy;
  logger?: Logger;
}

const NOT_INSTALLING = /not being installed or reinstalled/i;

/** A bare non-negative integer: UNIX epoch seconds (API-NOTES §2, `GET /auth/time`). */
const decodeEpochSeconds: Decoder<number> = (value, path) => {
  if (!Number.isSafeInteger(value) || (value as number) < 0) throw new DecodeError(path, 'epoch seconds');
  return value as number;
};

/** OvhApi over a transport. */
export class OvhClientAdapter implements OvhApi {
  private readonly random: () => number;
  private readonly retry: RetryPolicy;
  private readonly log: Logger;

  constructor(private readonly deps: AdapterDependencies) {
    this.random = deps.random ?? Math.random;
    this.retry = deps.retry ?? DEFAULT_RETRY_POLICY;
    this.log = deps.logger ?? silentLogger();
  }

  listServers(options?: CallOptions): Promise<string[]> {
    return this.read('/dedicated/server', decodeStringList, options);
  }

  /** Placeholder until expanded listing lands (issue 14): callers take the per-object path. */
  listServersExpanded(): Promise<ExpandedList<DedicatedServer>> {
    return Promise.resolve({ kind: 'unavailable', reason: 'expanded listing is not implemented', calls: 0 });
  }

  /** Placeholder until expanded listing lands (issue 14): callers take the per-object path. */
  listTasksExpanded(): Promise<ExpandedList<ServerTask>> {
    return Promise.resolve({ kind: 'unavailable', reason: 'expanded listing is not implemented', calls: 0 });
  }

  getServer(serviceName: string, options?: CallOptions): Promise<DedicatedServer> {
    return this.read(ovhPath`/dedicated/server/${serviceName}`, decodeServer, options);
  }

  getCompatibleTemplates(serviceName: string, options?: CallOptions): Promise<CompatibleTemplates> {
    return this.read(
      ovhPath`/dedicated/server/${serviceName}/install/compatibleTemplates`,
      decodeCompatibleTemplates,
      options,
    );
  }

  getHardware(serviceName: string, options?: CallOptions): Promise<HardwareSpecifications> {
    return this.read(
      ovhPath`/dedicated/server/${serviceName}/specifications/hardware`,
      decodeHardware,
      options,
    );
  }

  listTemplateInfos(options?: CallOptions): Promise<TemplateInfo[]> {
    return this.read('/dedicated/installationTemplate/templateInfos', decodeTemplateInfos, options);
  }

  getTemplate(templateName: string, options?: CallOptions): Promise<Template> {
    return this.read(ovhPath`/dedicated/installationTemplate/${templateName}`, decodeTemplate, options);
  }

  async reinstall(serviceName: string, body: ReinstallBody, options?: CallOptions): Promise<TaskResponse> {
    const request: TransportRequest = {
      method: 'POST',
      path: ovhPath`/dedicated/server/${serviceName}/reinstall`,
      body,
      ...(options?.signal ? { signal: options.signal } : {}),
    };
    const answer = await this.send(request, options?.priority ?? 'write');
    return check(request, answer, decodeTaskResponse);
  }

  listTasks(serviceName: string, filter: TaskFilter = {}, options?: CallOptions): Promise<number[]> {
    return this.read(ovhPath`/dedicated/server/${serviceName}/task`, decodeIdList, options, {
      function: filter.function,
      status: filter.status,
    });
  }

  getTask(serviceName: string, taskId: number, options?: CallOptions): Promise<ServerTask> {
    return this.read(ovhPath`/dedicated/server/${serviceName}/task/${taskId}`, decodeTask, options);
  }

  async getApiTime(options?: CallOptions): Promise<number> {
    return (await this.read(API_TIME_PATH, decodeEpochSeconds, options)) * 1000;
  }

  async getInstallProgress(serviceName: string, options?: CallOptions): Promise<InstallProgress | null> {
    try {
      return await this.read(
        ovhPath`/dedicated/server/${serviceName}/install/status`,
        decodeInstallProgress,
        options,
      );
    } catch (error) {
      if (error instanceof OvhApiError && error.status === 404 && NOT_INSTALLING.test(error.message))
        return null;
      throw error;
    }
  }

  /** A GET with retries on transient and waiting errors, each attempt taking a budget token. */
  private async read<T>(
    path: string,
    decoder: Decoder<T>,
    options: CallOptions | undefined,
    query?: Query,
  ): Promise<T> {
    const request: TransportRequest = {
      method: 'GET',
      path,
      ...(query ? { query } : {}),
      ...(options?.signal ? { signal: options.signal } : {}),
    };
    const priority = options?.priority ?? 'plan';
    for (let attempt = 1; ; attempt++) {
      try {
        return check(request, await this.send(request, priority), decoder);
      } catch (error) {
        if (!(error instanceof OvhApiError) || !isRetryable(error) || attempt >= this.retry.maxAttempts)
          throw error;
        const delay = retryDelay(this.retry, attempt, this.random, error);
        this.log.warn(
          { code: error.code, method: 'GET', path, attempt, delayMs: delay },
          'OVHcloud read failed, retrying',
        );
        try {
          await this.deps.clock.sleep(delay, options?.signal);
        } catch {
          throw aborted(request, false);
        }
      }
    }
  }

  /** One HTTP request: a budget token, then the transport. */
  private async send(
    request: TransportRequest,
    priority: NonNullable<CallOptions['priority']>,
  ): Promise<unknown> {
    try {
      await this.deps.budget.acquire(priority, request.signal);
    } catch {
      throw aborted(request, false);
    }
    try {
      return await this.deps.transport.request(request);
    } catch (error) {
      // A 429 is about the credential, not this call: pause the shared budget for every caller,
      // for Retry-After or else the shortest first backoff of a 429 (retry-policy.ts).
      if (error instanceof OvhApiError && error.code === 'api-rate-limited')
        this.deps.budget.pause(error.retryAfterMs ?? rateLimitPauseMs(this.retry));
      throw error;
    }
  }
}

function aborted(request: TransportRequest, sent: boolean): OvhApiError {
  return new OvhApiError({
    code: 'api-aborted',
    disposition: 'transient',
    method: request.method,
    path: request.path,
    message: sent ? 'cancelled while waiting for the answer' : 'cancelled before the request was sent',
    ambiguous: sent && request.method !== 'GET',
  });
}

function check<T>(request: TransportRequest, answer: unknown, decoder: Decoder<T>): T {
  try {
    return decoder(answer, '');
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    // A 2xx to a POST means OVHcloud probably acted: the caller must look before posting again.
    throw new OvhApiError({
      code: 'api-malformed-answer',
      disposition: 'terminal',
      method: request.method,
      path: request.path,
      message: `unexpected answer: ${error.message}`,
      ambiguous: request.method !== 'GET',
    });
  }
}
