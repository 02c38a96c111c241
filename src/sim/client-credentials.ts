/**
 * The credentials a client uses to reach a running simulator, in the shape the adapter takes
 * (`createOvhApi(simulatorCredentials(sim, key), options)`): benches, the demo's helpers and the
 * tests build their OvhApi this way instead of going through the environment.
 */
import type { LoadedCredentials } from '../config/credentials.js';
import { parseEndpoint, type OvhEndpoint } from '../config/endpoints.js';
import type { RunningSimulator } from './index.js';

/**
 * Application-key credentials for `sim`. `budgetKey` names the request budget they draw from
 * (distinct keys keep benches and tests from sharing one); `readOnly` uses the GET-only consumer key.
 */
export function simulatorCredentials(
  sim: RunningSimulator,
  budgetKey: string,
  options: { readOnly?: boolean } = {},
): LoadedCredentials {
  return {
    endpoint: parseEndpoint(sim.url) as OvhEndpoint,
    auth: {
      kind: 'application',
      applicationKey: sim.credentials.appKey,
      applicationSecret: sim.credentials.appSecret,
      consumerKey: options.readOnly ? sim.credentials.readOnlyConsumerKey : sim.credentials.consumerKey,
    },
    caFile: sim.certPath,
    caPem: sim.caCert,
    budgetKey,
  };
}
