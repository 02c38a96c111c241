import https from 'node:https';
import { rootCertificates } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { trustedCas, trustExtraCa } from '../../src/ovh/tls-trust.js';

describe('trustExtraCa', () => {
  it('changes nothing for a CA that is already one of the default roots', () => {
    const agent = new https.Agent();

    trustExtraCa(rootCertificates[0]!, agent);

    expect(agent.options.ca).toBeUndefined();
    expect(agent.options.secureContext).toBeUndefined();
    expect(trustedCas(agent)).toBe(rootCertificates);
  });

  it('adds a new CA on top of the default roots with one prebuilt TLS context, kept when trusted again', () => {
    const agent = new https.Agent();
    const pem = rootCertificates[1]!.replace('-----END', '\n-----END');

    trustExtraCa(pem, agent);
    const first = agent.options.secureContext;
    trustExtraCa(pem, agent);

    expect(trustedCas(agent).at(-1)).toBe(pem);
    expect(trustedCas(agent).length).toBe(rootCertificates.length + 1);
    expect(first).toBeDefined();
    expect(agent.options.secureContext).toBe(first);
    // The PEMs stay out of the agent's options, so its pool key stays short on every request.
    expect(agent.options.ca).toBeUndefined();
    expect(agent.getName({ host: '127.0.0.1', port: 443 }).length).toBeLessThan(100);
  });
});
