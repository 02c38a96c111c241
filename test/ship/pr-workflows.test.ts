/**
 * The example fleet's pull-request workflows (GitHub Actions and GitLab CI): they parse as YAML,
 * run on pull/merge requests with read-only credentials, and every `ovh-fleet <command> <flags>`
 * they run names a command and flags that the BUILT CLI's `--help` lists.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = new URL('../..', import.meta.url).pathname;
const CLI = `${ROOT}dist/cli/main.js`;
const GITHUB = `${ROOT}fleet/.github/workflows/ovh-fleet-plan.yml`;
const GITLAB = `${ROOT}fleet/.gitlab-ci.yml`;
const run = promisify(execFile);

/** Long flags the built CLI lists for a command (from `ovh-fleet COMMAND --help`). */
const flagsOf = new Map<string, Set<string>>();

// The help is read from the BUILT code, dist/ (`npm test` builds it first, as .ci/run does). It is
// not rebuilt here: tsc rewrites every file of dist/ in place while other test files run the CLI
// from it, which then imports half-written modules (seen in CI: "does not provide an export").

async function helpFlags(command: string): Promise<Set<string> | undefined> {
  const known = flagsOf.get(command);
  if (known) return known;
  const help = await run(process.execPath, [CLI, command, '--help']).catch(() => undefined);
  if (!help || !help.stdout.startsWith(`Usage: ovh-fleet ${command}`)) return undefined;
  const flags = new Set([...help.stdout.matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0]));
  flagsOf.set(command, flags);
  return flags;
}

/** Every `ovh-fleet WORDS...` invocation in a block of shell text. */
function invocations(script: string): string[][] {
  const out: string[][] = [];
  for (const line of script.split('\n')) {
    for (const m of line.matchAll(/(?:^|[\s;&|(])ovh-fleet\s+([^;&|)\n]*)/g)) {
      out.push((m[1] ?? '').trim().split(/\s+/));
    }
  }
  return out;
}

function githubScripts(doc: Record<string, unknown>): string[] {
  const jobs = doc.jobs as Record<string, { steps: { run?: string }[] }>;
  return Object.values(jobs).flatMap((j) => j.steps.flatMap((s) => (s.run ? [s.run] : [])));
}

function gitlabScripts(doc: Record<string, unknown>): string[] {
  const job = doc['ovh-fleet-plan'] as { script: string[]; before_script?: string[] };
  return [...(job.before_script ?? []), ...job.script];
}

describe('pull-request workflows of the example fleet', () => {
  const github = parse(readFileSync(GITHUB, 'utf8')) as Record<string, unknown>;
  const gitlab = parse(readFileSync(GITLAB, 'utf8')) as Record<string, unknown>;

  it('GitHub: runs on pull_request with read-only secrets and may write PR comments only', () => {
    expect(github.on).toHaveProperty('pull_request');
    expect(github.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    const env = (github.jobs as Record<string, { env: Record<string, string> }>).plan!.env;
    expect(env.OVH_CONSUMER_KEY).toMatch(/secrets\.OVH_READONLY_/);
  });

  it('GitLab: runs in merge-request pipelines and posts a note through the API', () => {
    const rules = (gitlab.workflow as { rules: { if: string }[] }).rules;
    expect(rules.map((r) => r.if)).toEqual(['$CI_PIPELINE_SOURCE == "merge_request_event"']);
    expect(gitlabScripts(gitlab).join('\n')).toMatch(/merge_requests\/\$CI_MERGE_REQUEST_IID\/notes/);
  });

  it.each([
    ['GitHub', () => githubScripts(github)],
    ['GitLab', () => gitlabScripts(gitlab)],
  ])('%s: runs validate and plan --format markdown --out plan.md', (_name, scripts) => {
    const calls = scripts()
      .flatMap(invocations)
      .map((words) => words.join(' '));

    expect(calls.some((c) => c.startsWith('validate'))).toBe(true);
    expect(calls.some((c) => /^plan .*--format markdown --out plan\.md/.test(c))).toBe(true);
  });

  it.each([
    ['GitHub', () => githubScripts(github)],
    ['GitLab', () => gitlabScripts(gitlab)],
  ])('%s: every ovh-fleet command and flag it runs exists in the built CLI', async (_name, scripts) => {
    const calls = scripts().flatMap(invocations);
    expect(calls.length).toBeGreaterThanOrEqual(2);

    for (const [command, ...rest] of calls) {
      const flags = await helpFlags(command!);
      expect(flags, `ovh-fleet ${command} is not a command`).toBeDefined();
      for (const word of rest.filter((w) => w.startsWith('--'))) {
        expect(flags!.has(word.split('=')[0]!), `ovh-fleet ${command} has no ${word}`).toBe(true);
      }
    }
  });
});
