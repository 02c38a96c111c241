/**
 * Types for the official OVHcloud client, `@ovhcloud/node-ovh` 3.0.0 (CommonJS, ships no types).
 * Only what ovh-fleet uses; read against lib/ovh.js.
 */
declare module '@ovhcloud/node-ovh' {
  /** Constructor options of the official client. */
  export interface OvhClientOptions {
    /** A preconfigured endpoint name (ovh-eu, ovh-ca, ...); overrides host and tokenURL. */
    endpoint?: string;
    host?: string;
    port?: number;
    basePath?: string;
    appKey?: string;
    appSecret?: string;
    consumerKey?: string;
    clientID?: string;
    clientSecret?: string;
    /** OAuth2 token host, e.g. https://www.ovh.com/auth/ (the client appends oauth2/token). */
    tokenURL?: string;
    /** Socket idle timeout in ms; on expiry the client aborts the request. */
    timeout?: number;
    apiTimeDiff?: number;
    debug?: false | ((...args: unknown[]) => void);
    warn?: (...args: unknown[]) => void;
  }

  /** The client object; `apiTimeDiff` is its cached API clock delta (seconds), null = refetch. */
  export interface OvhClient {
    apiTimeDiff: number | null;
    requestPromised(method: string, path: string, params?: Record<string, unknown>): PromiseLike<unknown>;
  }

  function createOvhClient(options: OvhClientOptions): OvhClient;
  export default createOvhClient;
}
