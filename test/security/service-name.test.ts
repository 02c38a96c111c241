/**
 * Status file names come only from service names (src/core/service-name.ts): for any serviceName
 * a spec declares, valid or not, the name readFleet keeps is either none or one that stays a
 * single file name under status/.
 */
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { isServiceName } from '../../src/core/service-name.js';
import { buildServerSpec } from '../../src/specs/build-spec.js';
import { parseFleetFile } from '../../src/specs/parse-file.js';
import { readFleet } from '../../src/specs/read-fleet.js';
import { createRepoFiles } from '../../src/specs/repo-files.js';
import { makeRepo, removeRepos } from '../specs/temp-repo.js';

afterAll(removeRepos);

const specText = (name: string, extra = ''): string =>
  `apiVersion: ovh-fleet/v1\nkind: Server\nserviceName: ${JSON.stringify(name)}\noperatingSystem: debian12_64\n${extra}`;

/** Names an attacker would try, and OVHcloud's real shapes. */
const names = fc.oneof(
  fc.constantFrom(
    'a/../../../tmp/x',
    '../x',
    '..',
    '.',
    '',
    '/etc/passwd',
    'ns1.eu/../../x',
    'a\\..\\x',
    'ns1.eu\0x',
    'x'.repeat(300),
    '.git',
    'FLEET',
    'ns3048220.ip-51-255-75.eu',
  ),
  fc.string({ maxLength: 40 }),
  fc.stringMatching(/^[a-z0-9./-]{1,30}$/),
);

function staysInStatus(name: string): boolean {
  const file = `status/${name}.yaml`;
  return (
    path.posix.normalize(file) === file &&
    path.posix.dirname(file) === 'status' &&
    !name.includes('\\') &&
    !name.includes('\0') &&
    Buffer.byteLength(`${name}.yaml`) <= 255
  );
}

describe('property: only service names name status files', () => {
  it('buildServerSpec keeps a serviceName only when it is one, else reports service-name-invalid', () => {
    fc.assert(
      fc.property(names, (name) => {
        const parsed = parseFleetFile('servers/a.yaml', new TextEncoder().encode(specText(name)));
        const result = buildServerSpec(parsed, createRepoFiles(makeRepo({})));
        if (result.serviceName !== undefined) {
          expect(isServiceName(result.serviceName)).toBe(true);
          expect(staysInStatus(result.serviceName)).toBe(true);
        }
        if (name.trim() !== '' && !isServiceName(name)) {
          expect(result.diagnostics.map((d) => d.code)).toContain('service-name-invalid');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('readFleet gives an invalid spec a serviceName only when it is one', async () => {
    await fc.assert(
      fc.asyncProperty(names, async (name) => {
        // An invalid spec (unknown field type) keeps its raw name only when it is a service name.
        const root = makeRepo({ 'servers/a.yaml': specText(name, 'reinstall: {generation: -1}\n') });
        const fleet = await readFleet(root, { parallel: false });
        for (const entry of [...fleet.invalid, ...fleet.specs]) {
          if (entry.serviceName === undefined) continue;
          expect(isServiceName(entry.serviceName)).toBe(true);
          expect(staysInStatus(entry.serviceName)).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('isServiceName accepts OVHcloud names and refuses paths', () => {
    expect(isServiceName('ns3048220.ip-51-255-75.eu')).toBe(true);
    expect(isServiceName('ns5001234.ip-51-75-1.eu')).toBe(true);
    for (const bad of ['a/../x', '..', 'a..b', '-a', '.a', '', 'x'.repeat(201), 'a b']) {
      expect(isServiceName(bad)).toBe(false);
    }
  });
});
