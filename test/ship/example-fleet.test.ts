import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';

const addFormats = addFormatsModule.default;
const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;
const FLEET = join(ROOT, 'fleet');
const MAIN = join(ROOT, 'dist/cli/main.js');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? yamlFiles(join(dir, e.name)) : e.name.endsWith('.yaml') ? [join(dir, e.name)] : [],
  );
}

const specFiles = yamlFiles(join(FLEET, 'servers'));

describe('the example fleet (fleet/)', () => {
  it('has a dozen servers', () => {
    expect(specFiles.length).toBeGreaterThanOrEqual(12);
  });

  it('ships the schemas the project generates', () => {
    for (const name of ['server.schema.json', 'fleet.schema.json', 'plan.schema.json']) {
      expect(readFileSync(join(FLEET, 'schemas', name), 'utf8'), name).toBe(
        readFileSync(join(ROOT, 'schemas', name), 'utf8'),
      );
    }
  });

  it('validates with the committed schemas alone, as an editor would check it', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    const server = ajv.compile(JSON.parse(readFileSync(join(FLEET, 'schemas/server.schema.json'), 'utf8')));
    const fleet = ajv.compile(JSON.parse(readFileSync(join(FLEET, 'schemas/fleet.schema.json'), 'utf8')));

    const problems = specFiles.flatMap((file) =>
      server(parse(readFileSync(file, 'utf8')))
        ? []
        : [{ file: relative(FLEET, file), errors: server.errors }],
    );
    const fleetOk = fleet(parse(readFileSync(join(FLEET, 'fleet.yaml'), 'utf8')));

    expect(problems).toEqual([]);
    expect(fleet.errors ?? []).toEqual([]);
    expect(fleetOk).toBe(true);
  });

  it('points every spec at the schema through the yaml-language-server comment', () => {
    for (const file of specFiles) {
      const schemaPath = relative(join(file, '..'), join(FLEET, 'schemas/server.schema.json'));

      expect(readFileSync(file, 'utf8').split('\n')[0]).toBe(`# yaml-language-server: $schema=${schemaPath}`);
    }
  });

  describe('against the simulator account the demo uses', () => {
    let sim: RunningSimulator;
    let env: NodeJS.ProcessEnv;

    beforeAll(async () => {
      sim = await startSimulator({});
      env = {
        PATH: process.env.PATH,
        OVH_ENDPOINT: sim.url,
        OVH_APPLICATION_KEY: sim.credentials.appKey,
        OVH_APPLICATION_SECRET: sim.credentials.appSecret,
        OVH_CONSUMER_KEY: sim.credentials.readOnlyConsumerKey,
        OVH_CA_FILE: sim.certPath,
      };
    });

    afterAll(async () => {
      await sim.close();
    });

    it('validates online without errors (warnings allowed)', async () => {
      // A failure names the exit code, the error lines and the CLI's stderr (CI keeps only the message).
      const result = await run(process.execPath, [MAIN, 'validate', '--repo', FLEET], { env }).then(
        (r) => ({ code: 0, ...r }),
        (e: { code?: number; stdout?: string; stderr?: string }) => ({
          code: e.code ?? -1,
          stdout: e.stdout ?? '',
          stderr: e.stderr ?? '',
        }),
      );
      const errors = result.stdout.split('\n').filter((l) => / error /.test(l));

      expect({ code: result.code, errors }, result.stderr).toEqual({ code: 0, errors: [] });
    });

    it.each([
      ['text', /^Plan: 0 to reinstall, 9 to adopt, 0 to follow, 0 deferred, 0 invalid, 3 unchanged\.$/m],
      ['markdown', /^\| `~` adopt \| 9 \|$/m],
    ])('plans in %s format', async (format, expected) => {
      const { stdout } = await run(process.execPath, [MAIN, 'plan', '--repo', FLEET, '--format', format], {
        env,
      });

      expect(stdout).toMatch(expected);
    });

    it('plans no reinstall on first sight: every server is adopted or left alone', async () => {
      const { stdout } = await run(process.execPath, [MAIN, 'plan', '--repo', FLEET, '--format', 'json'], {
        env,
      });
      const plan = JSON.parse(stdout) as { summary: Record<string, number>; servers: { action: string }[] };

      expect(plan.summary).toMatchObject({ reinstall: 0, invalid: 0, deferred: 0 });
      expect(plan.servers).toHaveLength(specFiles.length);
      expect(plan.servers.every((s) => s.action === 'adopt' || s.action === 'none')).toBe(true);
    });
  });
});
