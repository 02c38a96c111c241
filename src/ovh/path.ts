/**
 * Request paths with every parameter URL-encoded by us: the official client substitutes
 * `{name}` placeholders raw (`a/b?c` would change the route), so we never hand it one.
 */

/** Tagged template: `ovhPath\`/dedicated/server/${serviceName}/task\`` encodes each value. */
export function ovhPath(strings: TemplateStringsArray, ...values: (string | number)[]): string {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += encodeURIComponent(String(value)) + (strings[i + 1] ?? '');
  });
  return out;
}

/** A query string in the client's own format (querystring.stringify), undefined values dropped. */
export function queryString(query: Readonly<Record<string, string | number | boolean | undefined>>): string {
  return Object.entries(query)
    .filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`)
    .join('&');
}
