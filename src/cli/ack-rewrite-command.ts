/**
 * `ovh-fleet ack-rewrite REVISION [--config FILE]`: records in git (a status commit touching only
 * status/ack-rewrite.yaml) that the operator accepts the rewritten branch whose head is REVISION;
 * the daemon then applies again. REVISION must be the full id of a commit of the configured
 * branch (its head or an ancestor of it). Uses a temporary clone of the daemon's repository. With
 * `--signing-key FILE` the commit is signed (ssh): with verify.allowedSignersFile, only a signed
 * acknowledgement counts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { readDaemonConfig, type DaemonConfig } from '../config/daemon-config.js';
import { systemClock } from '../core/clock.js';
import { configError } from '../core/errors.js';
import { renderRewriteAck } from '../daemon/ack-rewrite.js';
import type { GitIdentity } from '../git/git-repo.js';
import { SimpleGitRepo } from '../git/simple-git-repo.js';

interface AckFlags {
  config?: string;
  by?: string;
  signingKey?: string;
}

/** Adds the `ack-rewrite` command. */
export function register(program: Command): void {
  program
    .command('ack-rewrite')
    .description('acknowledge a rewritten (force-pushed) branch so that the daemon applies again')
    .argument('<revision>', 'full commit id of the new branch head')
    .option('--config <file>', 'the daemon configuration (repository, branches, identity)')
    .option('--by <name <email>>', 'who acknowledges (default: the configured commit identity)')
    .option(
      '--signing-key <file>',
      'ssh private key to sign the acknowledgement with (required to count when the daemon verifies signatures)',
    )
    .action(async (revision: string, flags: AckFlags) => {
      const { config } = await readDaemonConfig(flags.config, process.env);
      const commit = await ackRewrite(config, revision, identityOf(flags.by) ?? config.commit, {
        ...(flags.signingKey ? { signingKey: path.resolve(flags.signingKey) } : {}),
      });
      process.stdout.write(
        `ovh-fleet ack-rewrite: ${revision} acknowledged${commit ? ` in ${commit}` : ' (already recorded)'}\n`,
      );
    });
}

/** Pushes the acknowledgement; returns the status commit (null when the same one was already recorded). */
export async function ackRewrite(
  config: DaemonConfig,
  revision: string,
  by: GitIdentity,
  options: { signingKey?: string } = {},
): Promise<string | null> {
  if (!/^[0-9a-f]{40}$/.test(revision))
    throw configError('ack-rewrite-invalid', `REVISION must be a full 40-hex commit id, got "${revision}"`);
  const dir = await mkdtemp(path.join(tmpdir(), 'ovh-fleet-ack-'));
  try {
    const prefix = config.repository.path === '.' ? '' : `${config.repository.path}/`;
    const git = new SimpleGitRepo({
      url: config.repository.url,
      branch: config.repository.branch,
      dir,
      ...(config.status.branch ? { statusBranch: config.status.branch } : {}),
      statusDir: `${prefix}status`,
      auth: {
        ...(config.repository.sshKeyFile ? { sshKeyFile: config.repository.sshKeyFile } : {}),
        ...(config.repository.knownHostsFile ? { knownHostsFile: config.repository.knownHostsFile } : {}),
        ...(config.repository.httpsTokenFile ? { httpsTokenFile: config.repository.httpsTokenFile } : {}),
        ...(config.repository.httpsUser ? { httpsUser: config.repository.httpsUser } : {}),
      },
      committer: config.commit,
      clock: systemClock,
    });
    const head = await git.ensureClone();
    if (!(await git.isAncestor(revision, head))) {
      throw configError(
        'ack-rewrite-invalid',
        `${revision} is not a commit of ${config.repository.branch} (head ${head}); give the new head`,
      );
    }
    const content = renderRewriteAck({
      revision,
      by: `${by.name} <${by.email}>`,
      at: new Date(systemClock.now()).toISOString(),
    });
    const result = await git.ackRewrite(
      content,
      by,
      [{ key: 'Fleet-Ack-Rewrite', value: revision }],
      options.signingKey,
    );
    return result.outcome === 'pushed' ? result.commit : null;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function identityOf(text: string | undefined): GitIdentity | null {
  if (text === undefined) return null;
  const match = /^\s*([^<>]+?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(text);
  if (!match) throw configError('usage', `--by must be "Name <email>", got "${text}"`);
  return { name: match[1]!, email: match[2]! };
}
