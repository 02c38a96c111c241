/**
 * The security headers of every dashboard response (docs/dashboard.md, "Security headers"): a
 * Content-Security-Policy that allows only the daemon's own scripts, styles and connections (no
 * inline script or style), no MIME sniffing, no framing, no referrer.
 */

/** The Content-Security-Policy of the dashboard. */
export const UI_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers sent with every response of `/`, `/ui/*`, `/api/status` and `/api/events`. */
export const UI_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': UI_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};
