/**
 * Trusting OVH_CA_FILE. The official client has no TLS options and uses https.globalAgent, so
 * the extra CA is added to that agent's `ca`, on top of Node's default roots (setting `ca`
 * alone would replace them and break the real OVHcloud endpoints).
 *
 * The agent also gets one prebuilt `secureContext`: without it, every new TLS connection would
 * parse the ~140 root certificates again (about 90 ms of CPU each, measured by the apply bench).
 */
import https from 'node:https';
import { createSecureContext, rootCertificates } from 'node:tls';

/** Adds `pem` to the CAs https.globalAgent trusts; idempotent. */
export function trustExtraCa(pem: string, agent: https.Agent = https.globalAgent): void {
  const current = agent.options.ca;
  const list: string[] =
    current === undefined
      ? [...rootCertificates]
      : (Array.isArray(current) ? current : [current]).map(String);
  if (list.includes(pem)) return;
  agent.options.ca = [...list, pem];
  agent.options.secureContext = createSecureContext({ ca: agent.options.ca });
}
