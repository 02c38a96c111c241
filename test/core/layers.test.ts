/**
 * The layer rules of .dependency-cruiser.cjs can fail: the same command as `npm run lint:layers`
 * (the real dependency-cruiser, the repository's own configuration) runs over tiny source trees
 * written to a temporary folder, one with an upward import, one with a cycle between two
 * folders, one where the simulator reaches into a stage; and passes on a tree that follows the
 * order.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DEPCRUISE = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');

const TSCONFIG = JSON.stringify({
  compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true },
  include: ['src'],
});

/** A stage below everything, imported by the others. */
const CLOCK = { 'src/core/clock.ts': 'export const epoch = 0;\n' };

interface Cruised {
  exitCode: number;
  rules: string[];
}

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** Writes `files` under a temporary folder and runs the layer check there, as CI does. */
async function cruise(files: Record<string, string>): Promise<Cruised> {
  const dir = await mkdtemp(join(tmpdir(), 'ovh-fleet-layers-'));
  dirs.push(dir);
  await writeFile(join(dir, 'tsconfig.json'), TSCONFIG);
  for (const [file, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, file)), { recursive: true });
    await writeFile(join(dir, file), text);
  }
  const args = [DEPCRUISE, 'src', '--config', CONFIG];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: dir }, (error, stdout) => {
      if (error !== null && typeof error.code !== 'number') return reject(error);
      // The default reporter, as in CI: one `error <rule>: <from> → <to>` line per violation.
      const names = [...stdout.matchAll(/^\s*error (\S+):/gm)].map((m) => m[1] as string);
      resolve({
        exitCode: error === null ? 0 : (error.code as number),
        rules: [...new Set(names)].sort(),
      });
    });
  });
}

describe('npm run lint:layers', () => {
  it('passes a tree whose folders import only the stages below them', async () => {
    const result = await cruise({
      ...CLOCK,
      'src/plan/make-plan.ts': "import { epoch } from '../core/clock.js';\nexport const plan = epoch;\n",
      'src/apply/apply-plan.ts':
        "import type { plan } from '../plan/make-plan.js';\nexport type P = typeof plan;\n",
      'src/sim/app.ts': "import { epoch } from '../core/clock.js';\nexport const sim = epoch;\n",
      'src/cli/sim-command.ts': "import { sim } from '../sim/app.js';\nexport const run = sim;\n",
    });

    expect(result).toEqual({ exitCode: 0, rules: [] });
  }, 60_000);

  it.each([
    {
      tree: 'an upward import (a type-only one counts)',
      files: {
        ...CLOCK,
        'src/plan/decide.ts':
          "import type { Outcome } from '../apply/outcome.js';\nexport type D = Outcome;\n",
        'src/apply/outcome.ts': "export type Outcome = 'done';\n",
      },
      rules: ['layers-plan-imports-only-below'],
    },
    {
      tree: 'a cycle between two folders',
      files: {
        ...CLOCK,
        'src/status/build-records.ts':
          "import { outcome } from '../apply/outcome.js';\nexport const b = outcome;\n",
        'src/apply/outcome.ts':
          "import { phases } from '../status/phases.js';\nexport const outcome = phases;\n",
        'src/status/phases.ts': "export const phases = ['ready'];\n",
      },
      rules: ['layers-apply-imports-only-below', 'layers-no-folder-cycle'],
    },
    {
      tree: 'the simulator reaching into a stage',
      files: {
        ...CLOCK,
        'src/sim/app.ts': "import { plan } from '../plan/make-plan.js';\nexport const sim = plan;\n",
        'src/plan/make-plan.ts': 'export const plan = 1;\n',
      },
      rules: ['layers-sim-stands-apart'],
    },
    {
      tree: 'a folder missing from the declared order',
      files: {
        ...CLOCK,
        'src/teleport/send.ts': "import { epoch } from '../core/clock.js';\nexport const send = epoch;\n",
      },
      rules: ['layers-undeclared-folder-imports'],
    },
  ])(
    'fails on $tree',
    async ({ files, rules }) => {
      const result = await cruise(files);

      expect(result.exitCode).not.toBe(0);
      expect(result.rules).toEqual(rules);
    },
    60_000,
  );
});
