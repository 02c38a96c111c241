/**
 * Counts the calls observeFleet makes through the OvhApi port, per method, so that a plan can
 * say what it cost (and tests and the benchmark can hold it to its budget of calls per server).
 */
import type { ExpandedList, OvhApi } from '../ovh/ovh-api.js';

/** The read calls observation uses. */
export type ObserveMethod =
  | 'listServers'
  | 'listServersExpanded'
  | 'listTemplateInfos'
  | 'getServer'
  | 'listTasks'
  | 'getTask'
  | 'getHardware'
  | 'getCompatibleTemplates';

/**
 * Calls made, per method (attempts as seen by the port; the adapter's own retries are not
 * counted). An expanded listing counts the pages it read (its answer's `calls`), or 1 when it failed.
 */
export type CallCounts = Record<ObserveMethod, number>;

/** A count of zero for every method. */
export function emptyCallCounts(): CallCounts {
  return {
    listServers: 0,
    listServersExpanded: 0,
    listTemplateInfos: 0,
    getServer: 0,
    listTasks: 0,
    getTask: 0,
    getHardware: 0,
    getCompatibleTemplates: 0,
  };
}

/** Sum of all counts. */
export function totalCalls(counts: CallCounts): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/**
 * The subset of the port observation uses, wrapped so that every call is counted in `counts`
 * before it is made (a failed call counts too: it used the budget).
 */
export function countingApi(api: OvhApi, counts: CallCounts): Pick<OvhApi, ObserveMethod> {
  const count = <T>(method: ObserveMethod, call: () => Promise<T>): Promise<T> => {
    counts[method]++;
    return call();
  };
  const countPages = async <T>(call: () => Promise<ExpandedList<T>>): Promise<ExpandedList<T>> => {
    let answer: ExpandedList<T>;
    try {
      answer = await call();
    } catch (error) {
      counts.listServersExpanded++;
      throw error;
    }
    counts.listServersExpanded += answer.calls;
    return answer;
  };
  return {
    listServers: (o) => count('listServers', () => api.listServers(o)),
    listServersExpanded: (o) => countPages(() => api.listServersExpanded(o)),
    listTemplateInfos: (o) => count('listTemplateInfos', () => api.listTemplateInfos(o)),
    getServer: (n, o) => count('getServer', () => api.getServer(n, o)),
    listTasks: (n, f, o) => count('listTasks', () => api.listTasks(n, f, o)),
    getTask: (n, t, o) => count('getTask', () => api.getTask(n, t, o)),
    getHardware: (n, o) => count('getHardware', () => api.getHardware(n, o)),
    getCompatibleTemplates: (n, o) => count('getCompatibleTemplates', () => api.getCompatibleTemplates(n, o)),
  };
}
