import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runValidate } from '../../src/cli/validate-command.js';
import type { OvhApi } from '../../src/ovh/ovh-api.js';
import { generateSchemas } from '../../src/validate/generate-schemas.js';
import { writeSchemas } from '../../src/validate/schema-files.js';
import { fixtureCatalog, FIXTURE_META, NOW } from './helpers.js';

let repo: string;

function write(file: string, text: string): void {
  mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
  writeFileSync(path.join(repo, file), text);
}

async function run(
  options: { format?: 'text' | 'json'; api?: OvhApi } = {},
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runValidate({
    repo,
    format: 'text',
    ...options,
    now: NOW,
    out: (s) => (out += s),
    err: (s) => (err += s),
  });
  return { code, out, err };
}

const GOOD =
  'apiVersion: ovh-fleet/v1\nkind: Server\nserviceName: ns1.ip-1-2-3.eu\noperatingSystem: debian12_64\n';

beforeEach(() => {
  repo = mkdtempSync(path.join(tmpdir(), 'ovh-fleet-validate-'));
  writeSchemas(path.join(repo, 'schemas'), generateSchemas(fixtureCatalog(), FIXTURE_META));
});
afterEach(() => rmSync(repo, { recursive: true, force: true }));

describe('ovh-fleet validate', () => {
  it('exits 0 on a valid repository and says that it ran offline', async () => {
    write('servers/web-1.yaml', GOOD);
    write('fleet.yaml', 'apiVersion: ovh-fleet/v1\nkind: Fleet\nrollout: {maxConcurrent: 2}\n');

    const result = await run();

    expect(result).toEqual({
      code: 0,
      out: '',
      err: 'ovh-fleet validate: 1 spec files, 0 errors, 0 warnings; offline: catalog, compatibility and account checks were skipped\n',
    });
  });

  it('prints one sorted line per problem and exits 1', async () => {
    write('servers/b.yaml', GOOD.replace('ns1', 'ns2').replace('debian12_64', 'debian12'));
    write('servers/a.yaml', `${GOOD}customizations:\n  enableLacpBonding: "true"\n`);

    const result = await run();

    expect(result.code).toBe(1);
    expect(result.out.split('\n')).toEqual([
      'servers/a.yaml:6:22 error schema-type customizations.enableLacpBonding: expected a boolean (true or false, without quotes), got the string "true"',
      'servers/b.yaml:4:18 error os-unknown-template operatingSystem: "debian12" is not in the catalog; did you mean "debian12_64"?',
      '',
    ]);
  });

  it('prints JSON diagnostics', async () => {
    write('servers/a.yaml', GOOD.replace('ovh-fleet/v1', 'v1'));

    const result = await run({ format: 'json' });

    expect(result.code).toBe(1);
    expect(JSON.parse(result.out)).toEqual({
      diagnostics: [
        {
          file: 'servers/a.yaml',
          line: 1,
          column: 13,
          severity: 'error',
          code: 'schema-enum',
          message: 'apiVersion: must be "ovh-fleet/v1", got the string "v1"',
        },
      ],
      offline: true,
      summary: { errors: 1, warnings: 0, files: 1 },
    });
  });

  it('with the API: warnings keep exit 0, and the summary no longer says offline', async () => {
    write('servers/a.yaml', GOOD.replace('debian12_64', 'alma8_64'));
    const api = {
      listTemplateInfos: async () => fixtureCatalog().infos,
      listServers: async () => ['ns1.ip-1-2-3.eu'],
      getCompatibleTemplates: async () => ({ ovh: ['alma8_64'], personal: [] }),
      getHardware: async () => ({ diskGroups: [] }),
    } as unknown as OvhApi;

    const result = await run({ api });

    expect(result.code).toBe(0);
    expect(result.out).toBe(
      'servers/a.yaml:4:18 warning os-end-of-install-soon operatingSystem: alma8_64 reaches its end of install on 2027-01-15 (in 50 days)\n',
    );
    expect(result.err).toBe('ovh-fleet validate: 1 spec files, 0 errors, 1 warnings\n');
  });
});
