/**
 * Every workflow file of the project lints clean offline (.ci/lint-workflows.mjs: actionlint for
 * GitHub Actions, GitLab's documented keywords for GitLab CI), the linter does catch broken files,
 * and the example fleet's workflows install exactly the version the release workflow publishes.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
// @ts-expect-error: a plain ESM script of the CI, without type declarations
import { lintGithub, lintGitlab, lintWorkflows } from '../../.ci/lint-workflows.mjs';

interface Finding {
  file: string;
  line: number;
  column: number;
  message: string;
}
const ROOT = new URL('../..', import.meta.url).pathname;
const read = (path: string): string => readFileSync(`${ROOT}${path}`, 'utf8');
const VERSION = (JSON.parse(read('package.json')) as { version: string }).version;

describe('workflow files', () => {
  it('all lint clean: the project CI, the release, and the example fleet (GitHub and GitLab)', async () => {
    const { files, found } = (await lintWorkflows(ROOT)) as { files: string[]; found: Finding[] };
    expect(files.map((f) => f.slice(ROOT.length)).sort()).toEqual([
      '.github/workflows/ci.yml',
      '.github/workflows/release.yml',
      'fleet/.github/workflows/ovh-fleet-plan.yml',
      'fleet/.gitlab-ci.yml',
    ]);
    expect(found).toEqual([]);
  });

  it('actionlint catches an unknown context property and a bad runner key', async () => {
    const bad =
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    step:\n      - run: echo hi\n' +
      '  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.no_such_thing }}\n';
    const found = (await lintGithub(bad, 'bad.yml')) as Finding[];
    // Line 3: job "a" has no steps; 5: unknown key "step"; 10: no such property of `github`.
    expect(found.map((f) => f.line).sort((x, y) => x - y)).toEqual([3, 5, 10]);
  });

  it('the GitLab check catches a job without script, an undeclared stage and an unknown keyword', () => {
    const bad =
      'stages: [plan]\nlint:\n  stage: plan\n  script: [true]\n  scirpt: [typo]\n' +
      'apply:\n  stage: deploy\n  script: [true]\nempty:\n  stage: plan\n';
    const found = (lintGitlab(bad, 'bad.yml') as Finding[]).map((f) => `${f.line} ${f.message}`);
    expect(found).toEqual([
      '2 job "lint": unknown keyword "scirpt"',
      '6 job "apply": stage "deploy" is not declared in stages',
      '9 job "empty" has no script',
    ]);
    expect(lintGitlab('a: [b\n', 'broken.yml')).not.toEqual([]);
  });

  it('the example fleet installs exactly the version this package publishes', () => {
    for (const file of ['fleet/.github/workflows/ovh-fleet-plan.yml', 'fleet/.gitlab-ci.yml']) {
      const pins = [...read(file).matchAll(/ovh-fleet@(\S+)/g)].map((m) => m[1]);
      expect(pins, file).toEqual([VERSION]);
    }
  });

  it('the release runs on version tags, refuses a tag that is not the version, and publishes with provenance', () => {
    const release = parse(read('.github/workflows/release.yml')) as {
      on: { push: { tags: string[] } };
      jobs: Record<
        string,
        { needs?: string; steps: { run?: string }[]; permissions?: Record<string, string> }
      >;
    };
    expect(release.on.push.tags).toEqual(['v*.*.*']);
    const runs = (job: string): string => release.jobs[job]!.steps.map((s) => s.run ?? '').join('\n');
    expect(runs('verify')).toContain('"$TAG" != "v$version"');
    expect(runs('verify')).toContain('bash .ci/run');
    expect(release.jobs.npm!.needs).toBe('verify');
    expect(runs('npm')).toContain('npm publish --provenance');
    expect(release.jobs.npm!.permissions!['id-token']).toBe('write');
    expect(release.jobs.image!.needs).toBe('verify');
    expect(release.jobs.image!.permissions!.packages).toBe('write');
  });
});
