/**
 * Which verification settings apply to a server: the first `verify.byLabel` entry whose labels
 * all match the server's, else the fleet's. No `verify` section: no verification at all.
 */
import type { VerifyPolicy, VerifySettings } from '../specs/verify-types.js';

/** The settings for a server with `labels`; undefined when the fleet verifies nothing. */
export function verifySettingsFor(
  policy: VerifyPolicy | undefined,
  labels: Readonly<Record<string, string>>,
): VerifySettings | undefined {
  if (!policy) return undefined;
  const match = policy.byLabel.find((o) =>
    Object.entries(o.labels).every(([name, value]) => Object.hasOwn(labels, name) && labels[name] === value),
  );
  return (match ?? policy).settings;
}
