/**
 * An OvhApi decorator that counts every call by the status class the adapter ended it with
 * (2xx, 4xx, 5xx, or `network` when no HTTP answer came), for /metrics. It changes nothing else.
 */
import { OvhApiError } from '../ovh/errors.js';
import type { OvhApi } from '../ovh/ovh-api.js';

/** Status class of a finished call: `2xx` for a success. */
export function statusClassOf(error: unknown): string {
  if (error instanceof OvhApiError && error.status !== undefined)
    return `${Math.floor(error.status / 100)}xx`;
  return 'network';
}

/** Wraps `api`; `count(statusClass)` is called once per call when it settles. */
export function meteredApi(api: OvhApi, count: (statusClass: string) => void): OvhApi {
  const wrap =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        const result = await fn(...args);
        count('2xx');
        return result;
      } catch (error) {
        count(statusClassOf(error));
        throw error;
      }
    };
  return {
    listServers: wrap((o) => api.listServers(o)),
    listServersExpanded: wrap((o) => api.listServersExpanded(o)),
    listTasksExpanded: wrap((s, f, o) => api.listTasksExpanded(s, f, o)),
    getServer: wrap((s, o) => api.getServer(s, o)),
    getCompatibleTemplates: wrap((s, o) => api.getCompatibleTemplates(s, o)),
    getHardware: wrap((s, o) => api.getHardware(s, o)),
    listTemplateInfos: wrap((o) => api.listTemplateInfos(o)),
    getTemplate: wrap((t, o) => api.getTemplate(t, o)),
    reinstall: wrap((s, b, o) => api.reinstall(s, b, o)),
    listTasks: wrap((s, f, o) => api.listTasks(s, f, o)),
    getTask: wrap((s, t, o) => api.getTask(s, t, o)),
    getInstallProgress: wrap((s, o) => api.getInstallProgress(s, o)),
    getApiTime: wrap((o) => api.getApiTime(o)),
  };
}
