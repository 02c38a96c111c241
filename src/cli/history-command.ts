/**
 * `ovh-fleet history SERVICE [--repo DIR] [--status-branch BRANCH]`: the server's timeline from
 * git (spec changes: who, when, commit; status commits: what was applied), rendered by src/git's
 * renderHistory. The spec files are those of the working tree that name the server.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { systemClock } from '../core/clock.js';
import { configError } from '../core/errors.js';
import { renderHistory } from '../git/history.js';
import { SimpleGitRepo } from '../git/simple-git-repo.js';

interface HistoryFlags {
  repo: string;
  statusBranch?: string;
}

/** Adds the `history` command. */
export function register(program: Command): void {
  program
    .command('history')
    .description("a server's timeline from git: spec changes and what was applied")
    .argument('<service>', 'the server (serviceName)')
    .option('--repo <dir>', 'fleet repository (a git clone)', '.')
    .option('--status-branch <branch>', 'branch holding the status commits, when not the current one')
    .action(async (service: string, flags: HistoryFlags) => {
      process.stdout.write(await historyText(service, flags.repo, flags.statusBranch));
    });
}

/** The rendered history of `service` in the clone at `repo`. */
export async function historyText(service: string, repo: string, statusBranch?: string): Promise<string> {
  const dir = path.resolve(repo);
  const git = new SimpleGitRepo({
    url: dir,
    branch: 'main',
    dir,
    committer: { name: 'ovh-fleet', email: 'ovh-fleet@localhost' },
    clock: systemClock,
  });
  const files = await specFilesNaming(dir, service);
  if (files.length === 0 && !(await exists(path.join(dir, 'status', `${service}.yaml`)))) {
    throw configError('usage', `no spec file and no status record name ${service} in ${dir}`);
  }
  const entries = await git.history(service, () => files, statusBranch ? { statusRev: statusBranch } : {});
  return renderHistory(service, entries);
}

/** servers/**\/*.y?ml files whose text declares `serviceName: SERVICE`. */
async function specFilesNaming(root: string, service: string): Promise<string[]> {
  const out: string[] = [];
  const pattern = new RegExp(
    `^serviceName:\\s*["']?${service.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?\\s*(#.*)?$`,
    'm',
  );
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(path.join(root, rel), { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const child = `${rel}/${e.name}`;
      if (e.isDirectory()) await walk(child);
      else if (e.isFile() && /\.ya?ml$/.test(e.name)) {
        if (pattern.test(await readFile(path.join(root, child), 'utf8'))) out.push(child);
      }
    }
  };
  await walk('servers');
  return out.sort();
}

async function exists(file: string): Promise<boolean> {
  return readFile(file).then(
    () => true,
    () => false,
  );
}
