/**
 * Which `Host` headers the dashboard answers: the defence against DNS rebinding (docs/dashboard.md,
 * "Host names"). A web page on any site can point its own name at 127.0.0.1 and then read the
 * dashboard as a same-origin page; the browser still sends the page's name as `Host`, so the
 * dashboard answers only the names it is reached by.
 *
 * Always answered: no Host (HTTP/1.0), `localhost`, and IP addresses (a page served from an IP
 * address cannot be rebound: its origin is that address). Then `ui.allowedHosts` when set; else
 * any name when `ui.auth` is set (a rebound page has no credential to send), else only the
 * listener's own host when it is a name. Ports are not compared (a reverse proxy may add its own).
 */
import { isIP } from 'node:net';

/** What the dashboard's paths check `Host` against. */
export interface UiHostPolicy {
  /** Every name is answered (`ui.auth` set, no `ui.allowedHosts`). */
  anyName: boolean;
  /** Names answered besides localhost and IP addresses (lower case, no final dot). */
  names: ReadonlySet<string>;
}

/** The policy of a listener bound to `bound`, from the configuration's `ui` section. */
export function uiHostPolicy(options: {
  bound: string;
  allowedHosts: readonly string[] | null;
  auth: boolean;
}): UiHostPolicy {
  const names = new Set(options.allowedHosts ?? []);
  const bound = nameOf(options.bound);
  if (bound !== null && isIP(bound) === 0) names.add(bound);
  return { anyName: options.allowedHosts === null && options.auth, names };
}

/** True when a request naming `host` (the Host header, or an absolute target's authority) may be answered. */
export function isAllowedHost(host: string | undefined, policy: UiHostPolicy): boolean {
  if (host === undefined) return true;
  const name = nameOf(host);
  if (name === null) return false;
  if (name === 'localhost' || isIP(name) !== 0) return true;
  return policy.anyName || policy.names.has(name);
}

/** The name of `host[:port]` or `[v6][:port]`, lower case without a final dot; null when malformed. */
export function nameOf(host: string): string | null {
  const match = /^(?:\[([0-9a-f:.]+)\]|([^:[\]]*))(?::(\d{1,5}))?$/i.exec(host.trim());
  if (!match) return null;
  if (match[1] !== undefined) return isIP(match[1]) === 6 ? match[1].toLowerCase() : null;
  const name = match[2]!.toLowerCase().replace(/\.$/, '');
  return name === '' ? null : name;
}
