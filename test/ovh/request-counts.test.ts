/**
 * Per-endpoint request counts (src/ovh/request-counts.ts): every path of the reinstall flow maps
 * to its template, a service name, task id or template name never reaches a label, and the
 * daemon's /metrics renders the counts as `ovh_fleet_api_requests_total{endpoint,class}`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDaemonMetrics } from '../../src/daemon/metrics.js';
import { OvhApiError } from '../../src/ovh/errors.js';
import { ovhPath } from '../../src/ovh/path.js';
import { ApiRequestCounts, endpointOf, failedStatusClass } from '../../src/ovh/request-counts.js';

/** Every path the adapter builds, from a service name, a task id and a template name. */
function adapterPaths(sn: string, taskId: number, template: string): [string, string][] {
  return [
    ['/dedicated/server', 'GET /dedicated/server'],
    [ovhPath`/dedicated/server/${sn}`, 'GET /dedicated/server/{serviceName}'],
    [ovhPath`/dedicated/server/${sn}/task`, 'GET /dedicated/server/{serviceName}/task'],
    [ovhPath`/dedicated/server/${sn}/task/${taskId}`, 'GET /dedicated/server/{serviceName}/task/{taskId}'],
    [ovhPath`/dedicated/server/${sn}/install/status`, 'GET /dedicated/server/{serviceName}/install/status'],
    [
      ovhPath`/dedicated/server/${sn}/install/compatibleTemplates`,
      'GET /dedicated/server/{serviceName}/install/compatibleTemplates',
    ],
    [
      ovhPath`/dedicated/server/${sn}/specifications/hardware`,
      'GET /dedicated/server/{serviceName}/specifications/hardware',
    ],
    ['/dedicated/installationTemplate/templateInfos', 'GET /dedicated/installationTemplate/templateInfos'],
    [
      ovhPath`/dedicated/installationTemplate/${template}`,
      'GET /dedicated/installationTemplate/{templateName}',
    ],
    ['/auth/time', 'GET /auth/time'],
  ];
}

describe('endpointOf', () => {
  it('maps every path of the adapter to its template, whatever the names in it', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((s) => s !== 'templateInfos'),
        fc.nat(),
        fc.string({ minLength: 1 }).filter((s) => s !== 'templateInfos'),
        (sn, taskId, template) => {
          for (const [path, endpoint] of adapterPaths(sn, taskId, template))
            expect(endpointOf({ method: 'GET', path })).toBe(endpoint);
        },
      ),
    );
  });

  it('names the reinstall post and expanded listings, and never passes an unknown path through', () => {
    expect(endpointOf({ method: 'POST', path: ovhPath`/dedicated/server/${'ns1.eu'}/reinstall` })).toBe(
      'POST /dedicated/server/{serviceName}/reinstall',
    );
    expect(
      endpointOf({
        method: 'GET',
        path: '/dedicated/server',
        headers: { 'X-Pagination-Mode': 'CachedObjectList-Pages' },
      }),
    ).toBe('GET /dedicated/server (expanded)');
    expect(endpointOf({ method: 'GET', path: '/dedicated/server/ns1.eu/ipmi/access' })).toBe('GET other');
  });

  it('classes failures by status, and says network or aborted when there was none', () => {
    const error = (status: number | undefined, code: 'api-unavailable' | 'api-aborted') =>
      new OvhApiError({
        code,
        disposition: 'transient',
        message: 'x',
        method: 'GET',
        path: '/',
        ...(status ? { status } : {}),
      });

    expect(failedStatusClass(error(503, 'api-unavailable'))).toBe('5xx');
    expect(failedStatusClass(error(undefined, 'api-unavailable'))).toBe('network');
    expect(failedStatusClass(error(undefined, 'api-aborted'))).toBe('aborted');
    expect(failedStatusClass(new Error('bug'))).toBe('network');
  });
});

describe('/metrics', () => {
  it('renders each endpoint and class as ovh_fleet_api_requests_total, beside the calls by status class', async () => {
    const counts = new ApiRequestCounts();
    counts.record('GET /dedicated/server/{serviceName}', '2xx');
    counts.record('GET /dedicated/server/{serviceName}', '2xx');
    counts.record('GET /dedicated/server (expanded)', '5xx');
    const metrics = createDaemonMetrics(undefined, { requestCounts: () => counts.snapshot() });
    metrics.apiRequests.inc({ status_class: '2xx' });

    counts.record('GET /dedicated/server/{serviceName}', '2xx');
    const text = await metrics.registry.metrics();

    expect(text).toContain(
      'ovh_fleet_api_requests_total{endpoint="GET /dedicated/server/{serviceName}",class="2xx"} 3',
    );
    expect(text).toContain(
      'ovh_fleet_api_requests_total{endpoint="GET /dedicated/server (expanded)",class="5xx"} 1',
    );
    expect(text).toMatch(/ovh_fleet_ovh_api_requests_total\{status_class="2xx"\} 1/);
  });
});
