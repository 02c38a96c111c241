/**
 * Counts of HTTP requests to the OVHcloud API by endpoint and status class, for /metrics: every
 * request the adapter sends (each retry, each page of an expanded listing) is one. Endpoints are
 * path templates (`GET /dedicated/server/{serviceName}/task`), never raw paths: a label per
 * server would grow without bound and put service names into metrics.
 */
import { OvhApiError } from './errors.js';
import type { TransportRequest } from './transport.js';

/** The header that turns an id-list GET into an expanded listing (API-NOTES §5.6). */
export const PAGINATION_MODE_HEADER = 'X-Pagination-Mode';

/** One counter: requests to `endpoint` that ended in `statusClass`. */
export interface EndpointCount {
  /** Method and path template, e.g. `GET /dedicated/server/{serviceName}`; expanded listings end in ` (expanded)`. */
  endpoint: string;
  /** `2xx`, `4xx`, `5xx`, `network` (no HTTP answer) or `aborted` (cancelled by the caller). */
  statusClass: string;
  count: number;
}

const SERVER = '[^/]+';
/** Path templates of the calls the adapter makes, most specific first. */
const ROUTES: readonly (readonly [RegExp, string])[] = [
  [/^\/dedicated\/server$/, '/dedicated/server'],
  [new RegExp(`^/dedicated/server/${SERVER}$`), '/dedicated/server/{serviceName}'],
  [new RegExp(`^/dedicated/server/${SERVER}/task$`), '/dedicated/server/{serviceName}/task'],
  [new RegExp(`^/dedicated/server/${SERVER}/task/[^/]+$`), '/dedicated/server/{serviceName}/task/{taskId}'],
  [
    new RegExp(
      `^/dedicated/server/${SERVER}/(install/status|install/compatibleTemplates|specifications/hardware|reinstall)$`,
    ),
    '/dedicated/server/{serviceName}/$1',
  ],
  [/^\/dedicated\/installationTemplate\/templateInfos$/, '/dedicated/installationTemplate/templateInfos'],
  [/^\/dedicated\/installationTemplate\/[^/]+$/, '/dedicated/installationTemplate/{templateName}'],
  [/^\/auth\/time$/, '/auth/time'],
];

/** The endpoint label of a request: its method and path template (`other` for an unknown path). */
export function endpointOf(request: Pick<TransportRequest, 'method' | 'path' | 'headers'>): string {
  let template = 'other';
  for (const [pattern, replacement] of ROUTES) {
    if (pattern.test(request.path)) {
      template = request.path.replace(pattern, replacement);
      break;
    }
  }
  const expanded = request.headers?.[PAGINATION_MODE_HEADER] !== undefined;
  return `${request.method} ${template}${expanded ? ' (expanded)' : ''}`;
}

/** The status class of a request that failed with `error`. */
export function failedStatusClass(error: unknown): string {
  if (error instanceof OvhApiError) {
    if (error.status !== undefined) return `${Math.floor(error.status / 100)}xx`;
    if (error.code === 'api-aborted') return 'aborted';
  }
  return 'network';
}

/** The counters of one process (or one API, when a composition root gives it its own). */
export class ApiRequestCounts {
  private readonly counts = new Map<string, EndpointCount>();

  /** Counts one request to `endpoint` that ended in `statusClass`. */
  record(endpoint: string, statusClass: string): void {
    const key = `${endpoint}\u0000${statusClass}`;
    const entry = this.counts.get(key);
    if (entry) entry.count++;
    else this.counts.set(key, { endpoint, statusClass, count: 1 });
  }

  /** Every counter, as copies. */
  snapshot(): EndpointCount[] {
    return [...this.counts.values()].map((entry) => ({ ...entry }));
  }
}
