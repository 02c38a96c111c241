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

/** The CAs each agent trusts (default roots + extras); not in `agent.options.ca`, see below. */
const trusted = new WeakMap<https.Agent, readonly string[]>();

/**
 * Adds `pem` to the CAs https.globalAgent trusts; idempotent. The list goes only into the prebuilt
 * `secureContext`, never into `agent.options.ca`: the agent names its socket pools after its
 * options, so a `ca` of ~140 PEMs would be copied into a 200 KB key on every request (12 s of CPU
 * over three cycles of a profiled 9,000-server daemon, and a 200 KB string of garbage each time).
 */
export function trustExtraCa(pem: string, agent: https.Agent = https.globalAgent): void {
  const list = trusted.get(agent) ?? rootCertificates;
  if (list.includes(pem)) return;
  const next = [...list, pem];
  trusted.set(agent, next);
  agent.options.secureContext = createSecureContext({ ca: next });
}

/** The CAs `agent` trusts through {@link trustExtraCa} (the default roots when none was added). */
export function trustedCas(agent: https.Agent = https.globalAgent): readonly string[] {
  return trusted.get(agent) ?? rootCertificates;
}
