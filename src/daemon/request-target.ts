/**
 * The request target of an HTTP request (`req.url`), read without throwing: the origin form
 * (`/path?query`, what every client but a proxy sends) or the absolute form
 * (`http://host/path`, whose authority then replaces the Host header, RFC 9112 §3.2.2). Anything
 * else (`*`, a target the URL parser rejects) is the client's fault: null, answered 400.
 *
 * The origin form is read against a fixed origin, never resolved as a relative reference: `//x/y`
 * is the path `//x/y` (not the host `x`), and `//` or `//:` no longer make the parser throw.
 */

/** What the listener routes on. */
export interface RequestTarget {
  pathname: string;
  /** The authority of an absolute-form target (`host[:port]`); null for the origin form. */
  authority: string | null;
}

/** Parses `req.url`; null when it is neither an origin-form nor an http(s) absolute-form target. */
export function parseRequestTarget(target: string | undefined): RequestTarget | null {
  const text = target ?? '/';
  try {
    if (text.startsWith('/'))
      return { pathname: new URL(`http://localhost${text}`).pathname, authority: null };
    if (/^https?:\/\//i.test(text)) {
      const url = new URL(text);
      return { pathname: url.pathname, authority: url.host };
    }
  } catch {
    // Rejected by the URL parser: the client's fault.
  }
  return null;
}
