/**
 * OVHcloud API endpoints: the names other OVHcloud tools use (go-ovh, python-ovh) and URL
 * endpoints such as a simulator's https://127.0.0.1:8443/1.0.
 */

/** The named endpoints, with their base URL and OAuth2 token host (only the ovh-* ones have one). */
export const NAMED_ENDPOINTS = {
  'ovh-eu': { url: 'https://eu.api.ovh.com/1.0', tokenUrl: 'https://www.ovh.com/auth/' },
  'ovh-ca': { url: 'https://ca.api.ovh.com/1.0', tokenUrl: 'https://ca.ovh.com/auth/' },
  'ovh-us': { url: 'https://api.us.ovhcloud.com/1.0', tokenUrl: 'https://us.ovhcloud.com/auth/' },
  'kimsufi-eu': { url: 'https://eu.api.kimsufi.com/1.0', tokenUrl: null },
  'kimsufi-ca': { url: 'https://ca.api.kimsufi.com/1.0', tokenUrl: null },
  'soyoustart-eu': { url: 'https://eu.api.soyoustart.com/1.0', tokenUrl: null },
  'soyoustart-ca': { url: 'https://ca.api.soyoustart.com/1.0', tokenUrl: null },
} as const;

/** One of the named endpoints. */
export type EndpointName = keyof typeof NAMED_ENDPOINTS;

/** Where the API lives, split the way the official client wants it. */
export interface OvhEndpoint {
  /** The endpoint name, or null for a URL endpoint. */
  name: EndpointName | null;
  /** Base URL, e.g. https://eu.api.ovh.com/1.0 (no trailing slash). */
  url: string;
  host: string;
  port: number;
  /** e.g. /1.0 */
  basePath: string;
  /**
   * OAuth2 token host (the client appends `oauth2/token`). Null where OVHcloud has no OAuth2
   * (Kimsufi, SoYouStart). For URL endpoints: `<url>/auth/`, the simulator's layout.
   */
  tokenUrl: string | null;
}

/** True for the names of NAMED_ENDPOINTS. */
export function isEndpointName(value: string): value is EndpointName {
  return Object.hasOwn(NAMED_ENDPOINTS, value);
}

/**
 * Parses OVH_ENDPOINT: a name, or an https URL without credentials, query or fragment. Returns
 * a reason string when the value is not usable.
 */
export function parseEndpoint(value: string): OvhEndpoint | string {
  if (isEndpointName(value)) {
    const known = NAMED_ENDPOINTS[value];
    const url = new URL(known.url);
    return {
      name: value,
      url: known.url,
      host: url.hostname,
      port: 443,
      basePath: url.pathname,
      tokenUrl: known.tokenUrl,
    };
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'it is neither a known endpoint name nor a URL';
  }
  if (url.protocol !== 'https:')
    return `the URL scheme must be https (the official client only speaks HTTPS), not ${url.protocol}`;
  if (url.username || url.password) return 'the URL must not carry credentials';
  if (url.search || url.hash) return 'the URL must not have a query string or fragment';
  const basePath = url.pathname.replace(/\/+$/, '') || '/1.0';
  const port = url.port ? Number(url.port) : 443;
  const base = `https://${url.host}${basePath}`;
  return { name: null, url: base, host: url.hostname, port, basePath, tokenUrl: `${base}/auth/` };
}
