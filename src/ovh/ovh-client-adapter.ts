/**
 * The OvhApi implementation: every call takes a token of the shared request budget, reads are
 * retried with backoff, the reinstall POST never is, and every answer is checked at the
 * boundary (a malformed answer is an OvhApiError `api-malformed-answer`). Expanded listings
 * (expanded-listing.ts) take one token per page and answer `unavailable` instead of throwing for
 * a bad answer. Every HTTP request is counted by endpoint (request-counts.ts).
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
import {
  collectExpanded,
  EXPANDED_PAGE_SIZE,
  PAGINATION_ELEMENTS_HEADER,
  pagingHeaders,
  type ExpandedListing,
  type PageFetch,
} from './expanded-listing.js';
import type { CallOptions, ExpandedList, ExpandedOptions, OvhApi, TaskFilter } from './ovh-api.js';
import { API_TIME_PATH } from './node-ovh-transport.js';
import { ovhPath } from './path.js';
import type { RequestBudget } from './request-budget.js';
import { endpointOf, failedStatusClass, type ApiRequestCounts } from './request-counts.js';
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
  /** Where every HTTP request is counted by endpoint and status class (none when absent). */
  requestCounts?: ApiRequestCounts;
  /** Objects per page of an expanded listing (default {@link EXPANDED_PAGE_SIZE}). */
  expandedPageSize?: number;
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

  listServersExpanded(options?: ExpandedOptions): Promise<ExpandedList<DedicatedServer>> {
    return this.listExpanded('/dedicated/server', undefined, options, {
      decode: decodeServer,
      idOf: (server) => server.name,
    });
  }

  listTasksExpanded(
    serviceName: string,
    filter: TaskFilter = {},
    options?: ExpandedOptions,
  ): Promise<ExpandedList<ServerTask>> {
    const wanted = Object.entries(filter).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    );
    return this.listExpanded(
      ovhPath`/dedicated/server/${serviceName}/task`,
      { function: filter.function, status: filter.status },
      options,
      {
        decode: decodeTask,
        idOf: (task) => task.taskId,
        mismatch: (task) => {
          const wrong = wanted.find(([key, value]) => task[key as keyof TaskFilter] !== value);
          return wrong
            ? `${wrong[0]} is ${JSON.stringify(task[wrong[0] as keyof TaskFilter])}, not ${JSON.stringify(wrong[1])}`
            : null;
        },
        filter: wanted.map(([key, value]) => `${key}:eq=${value}`).join('&'),
      },
    );
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

  /**
   * Every page of an expanded listing, checked (expanded-listing.ts). `calls` counts the HTTP
   * requests made, retries included. A 400 to a page (the API refusing the paging headers, or a
   * page size beyond its limit) is `unavailable` too; other failures throw as reads do.
   */
  private async listExpanded<T>(
    path: string,
    query: Query | undefined,
    options: ExpandedOptions | undefined,
    how: Pick<ExpandedListing<T>, 'decode' | 'idOf' | 'mismatch'> & { filter?: string },
  ): Promise<ExpandedList<T>> {
    const fresh = options?.fresh === true;
    const pageSize = this.deps.expandedPageSize ?? EXPANDED_PAGE_SIZE;
    const exchange = this.deps.transport.exchange?.bind(this.deps.transport);
    if (!exchange)
      return { kind: 'unavailable', reason: 'this transport cannot send the paging headers', calls: 0 };
    let calls = 0;
    const fetchPage = async (number: number): Promise<PageFetch> => {
      const request: TransportRequest = {
        method: 'GET',
        path,
        ...(query ? { query } : {}),
        ...(options?.signal ? { signal: options.signal } : {}),
        headers: pagingHeaders(number, pageSize, fresh, how.filter),
        responseHeaders: [PAGINATION_ELEMENTS_HEADER],
      };
      try {
        const answer = await this.retrying(request, options, async () => {
          calls++;
          return this.send(request, options?.priority ?? 'plan', () => exchange(request));
        });
        const total = answer.responseHeaders[PAGINATION_ELEMENTS_HEADER];
        return {
          kind: 'page',
          page: {
            body: answer.body,
            requestHeadersSent: answer.requestHeadersSent,
            ...(total === undefined ? {} : { total }),
          },
        };
      } catch (error) {
        if (error instanceof OvhApiError && error.status === 400)
          return { kind: 'unavailable', reason: `the API refused page ${number}: ${error.message}` };
        throw error;
      }
    };
    const result = await collectExpanded({ ...how, pageSize, fetchPage });
    if (result.kind === 'unavailable') {
      this.log.warn(
        { path, reason: result.reason, calls },
        'expanded listing unusable, falling back to per-object calls',
      );
      return { ...result, calls };
    }
    return { kind: 'objects', objects: result.objects, fresh, calls };
  }

  /** A GET with retries on transient and waiting errors, each attempt taking a budget token. */
  private read<T>(
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
    return this.retrying(request, options, async () =>
      check(request, await this.send(request, priority), decoder),
    );
  }

  /** Runs `attempt` until it succeeds, fails for good, or the retry policy gives up. */
  private async retrying<T>(
    request: TransportRequest,
    options: CallOptions | undefined,
    attempt: () => Promise<T>,
  ): Promise<T> {
    const path = request.path;
    for (let tries = 1; ; tries++) {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof OvhApiError) || !isRetryable(error) || tries >= this.retry.maxAttempts)
          throw error;
        const delay = retryDelay(this.retry, tries, this.random, error);
        this.log.warn(
          { code: error.code, method: 'GET', path, attempt: tries, delayMs: delay },
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

  /** One HTTP request: a budget token, then the transport (or `exchange`), counted by endpoint. */
  private send(request: TransportRequest, priority: NonNullable<CallOptions['priority']>): Promise<unknown>;
  private send<R>(
    request: TransportRequest,
    priority: NonNullable<CallOptions['priority']>,
    through: () => Promise<R>,
  ): Promise<R>;
  private async send(
    request: TransportRequest,
    priority: NonNullable<CallOptions['priority']>,
    through: () => Promise<unknown> = () => this.deps.transport.request(request),
  ): Promise<unknown> {
    try {
      await this.deps.budget.acquire(priority, request.signal);
    } catch {
      throw aborted(request, false);
    }
    try {
      const answer = await through();
      this.deps.requestCounts?.record(endpointOf(request), '2xx');
      return answer;
    } catch (error) {
      this.deps.requestCounts?.record(endpointOf(request), failedStatusClass(error));
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
