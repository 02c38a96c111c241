/**
 * The comparison end to end with a tiny fake bench pair: a real git repository whose first commit
 * has a dist/bench/main.js printing "800 ms per plan" and whose second prints "1000 ms"; the
 * baseline is the first commit, checked out in a real temporary worktree (the build step is a
 * stand-in: the fake dist/ is committed).
 */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkoutBaseline } from '../../src/bench/compare/baseline-checkout.js';
import { compareWithBaseline, readDefaultBaseline } from '../../src/bench/compare/compare-with-baseline.js';
import { git, humanEnv } from '../git/helpers.js';

/** A bench runner like src/bench/main.ts that prints one plan figure, or fails when told to. */
const fakeMain = (ms: string, failing = ''): string => `
const name = process.argv[2];
process.stdout.write('== ' + name + '\\n');
process.stdout.write('cwd ' + process.cwd() + '\\n');
if (name === ${JSON.stringify(failing)}) { process.stderr.write('boom\\n'); process.exit(3); }
if (name === 'plan') process.stdout.write('makePlan, 10,000 servers: ${ms} ms per plan (goal < 1000 ms)\\n');
`;

let repo: string;
let env: NodeJS.ProcessEnv;

function commit(files: Record<string, string>, subject: string): string {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(repo, path, '..'), { recursive: true });
    writeFileSync(join(repo, path), text);
  }
  git(repo, ['add', '--all'], env);
  git(repo, ['commit', '--quiet', '-m', subject], env);
  return git(repo, ['rev-parse', 'HEAD'], env);
}

const worktrees = (): string[] =>
  git(repo, ['worktree', 'list', '--porcelain'], env)
    .split('\n')
    .filter((l) => l.startsWith('worktree '));

beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), 'ovh-fleet-bench-compare-'));
  env = humanEnv(repo);
  git(repo, ['init', '--quiet', '--initial-branch=main'], env);
  // The current checkout's node_modules, linked into the baseline (never committed).
  mkdirSync(join(repo, 'node_modules', 'typescript'), { recursive: true });
  writeFileSync(join(repo, 'node_modules', 'typescript', 'keep.txt'), 'must survive the removal\n');
  commit({ '.gitignore': 'node_modules/\n', 'package.json': '{"config":{"benchBaseline":"v0"}}\n' }, 'start');
});

afterEach(() => {
  rmSync(repo, { recursive: true, force: true });
});

describe('checkoutBaseline', () => {
  it('checks the ref out detached, links node_modules, builds, and removes it all again', () => {
    const first = commit({ 'dist/bench/main.js': fakeMain('800') }, 'baseline');
    commit({ 'dist/bench/main.js': fakeMain('1000') }, 'now');
    const built: string[] = [];

    const checkout = checkoutBaseline(repo, 'HEAD~1', (dir) => built.push(dir));

    expect(checkout.commit).toBe(first);
    expect(built).toEqual([checkout.dir]);
    expect(readFileSync(join(checkout.dir, 'dist/bench/main.js'), 'utf8')).toContain(': 800 ms per plan');
    expect(lstatSync(join(checkout.dir, 'node_modules')).isSymbolicLink()).toBe(true);
    expect(git(checkout.dir, ['rev-parse', 'HEAD'], env)).toBe(first);
    expect(worktrees()).toHaveLength(2);

    checkout.remove();
    checkout.remove();

    expect(existsSync(checkout.dir)).toBe(false);
    expect(worktrees()).toHaveLength(1);
    expect(readFileSync(join(repo, 'node_modules/typescript/keep.txt'), 'utf8')).toBe(
      'must survive the removal\n',
    );
  });

  it('removes the worktree when the build fails', () => {
    let dir = '';

    expect(() =>
      checkoutBaseline(repo, 'HEAD', (d) => {
        dir = d;
        throw new Error('tsc failed');
      }),
    ).toThrow('tsc failed');

    expect(existsSync(dir)).toBe(false);
    expect(worktrees()).toHaveLength(1);
    expect(existsSync(join(repo, 'node_modules/typescript/keep.txt'))).toBe(true);
  });

  it('refuses a ref that names no commit, and leaves nothing behind', () => {
    expect(() => checkoutBaseline(repo, 'no-such-ref', () => {})).toThrow(/git rev-parse no-such-ref failed/);
    expect(worktrees()).toHaveLength(1);
  });
});

describe('compareWithBaseline', () => {
  it('runs both sides alternating, each in its own root, and prints the table', async () => {
    commit({ 'dist/bench/main.js': fakeMain('800') }, 'baseline');
    commit({ 'dist/bench/main.js': fakeMain('1000') }, 'now');
    const lines: string[] = [];

    const code = await compareWithBaseline({
      repoRoot: repo,
      baselineRef: 'HEAD~1',
      benches: ['plan', 'adapter'],
      rounds: 2,
      tolerance: 0.1,
      print: (line) => lines.push(line),
      build: () => {},
    });

    expect(code).toBe(0);
    expect(lines.filter((l) => l.startsWith('-- '))).toEqual([
      '-- plan, round 1/2, baseline',
      '-- plan, round 1/2, now',
      '-- plan, round 2/2, now',
      '-- plan, round 2/2, baseline',
      '-- adapter, round 1/2, baseline',
      '-- adapter, round 1/2, now',
      '-- adapter, round 2/2, now',
      '-- adapter, round 2/2, baseline',
    ]);
    const cwds = lines.filter((l) => l.includes('] cwd '));
    expect(cwds.filter((l) => l.startsWith('  [now] cwd ')).every((l) => l.endsWith(` ${repo}`))).toBe(true);
    expect(cwds.filter((l) => l.startsWith('  [baseline] cwd ')).every((l) => !l.endsWith(` ${repo}`))).toBe(
      true,
    );
    const text = lines.join('\n');
    expect(text).toMatch(
      /\| makePlan, 10,000 servers +\| lower +\| 800 ms \(n=2\) +\| 1000 ms \(n=2\) +\| 1\.25 +\| slower \(\+25%\) +\|/,
    );
    expect(text).toContain(
      'verdict: 1 figures: 0 within ±10%, 1 worse (makePlan, 10,000 servers), 0 better, 0 missing',
    );
    expect(worktrees()).toHaveLength(1);
  });

  it('reports a bench that fails on one side, exits 1, and still removes the worktree', async () => {
    commit({ 'dist/bench/main.js': fakeMain('800') }, 'baseline');
    commit({ 'dist/bench/main.js': fakeMain('810', 'plan') }, 'now');
    const lines: string[] = [];

    const code = await compareWithBaseline({
      repoRoot: repo,
      baselineRef: 'HEAD~1',
      benches: ['plan'],
      rounds: 1,
      tolerance: 0.1,
      print: (line) => lines.push(line),
      build: () => {},
    });

    expect(code).toBe(1);
    expect(lines).toContain('bench: plan FAILED on the now side, round 1: exit 3: boom');
    expect(lines.join('\n')).toMatch(
      /\| makePlan, 10,000 servers +\| lower +\| 800 ms +\| - +\| - +\| missing +\|/,
    );
    expect(worktrees()).toHaveLength(1);
  });
});

describe('readDefaultBaseline', () => {
  it("reads package.json's config.benchBaseline", () => {
    expect(readDefaultBaseline(repo)).toBe('v0');
  });
});
