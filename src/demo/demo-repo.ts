/**
 * The demo's git side: a bare "origin" made from the example fleet/ and an operator's clone to
 * push merged pull requests from, in a temporary directory. Plain git through execFile with an
 * isolated HOME and fixed identities (the daemon itself uses the simple-git adapter).
 */
import { execFile } from 'node:child_process';
import { appendFile, cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The example fleet shipped with the package. */
export const EXAMPLE_FLEET_DIR = fileURLToPath(new URL('../../fleet/', import.meta.url));

/** A person who pushes to the fleet repository. */
export interface Person {
  name: string;
  email: string;
}

/** The demo's repositories. */
export class DemoRepo {
  private constructor(
    readonly root: string,
    readonly origin: string,
    readonly clone: string,
  ) {}

  /**
   * Creates origin.git from fleet/ with one commit by `author`; `fleetYamlTail`, when given, is
   * appended to fleet.yaml in that commit (the demo's own sections, e.g. `verify`).
   */
  static async create(author: Person, fleetYamlTail = ''): Promise<DemoRepo> {
    const root = await mkdtemp(join(tmpdir(), 'ovh-fleet-demo-'));
    const repo = new DemoRepo(root, join(root, 'origin.git'), join(root, 'operator'));
    await repo.git(root, author, ['init', '--quiet', '--bare', '--initial-branch=main', repo.origin]);
    await repo.git(root, author, ['clone', '--quiet', repo.origin, repo.clone]);
    await cp(EXAMPLE_FLEET_DIR, repo.clone, { recursive: true });
    if (fleetYamlTail !== '') await appendFile(join(repo.clone, 'fleet.yaml'), fleetYamlTail);
    await repo.commitAll(author, 'Add the example fleet');
    return repo;
  }

  /** Replaces `from` by `to` in a file of the operator's clone. */
  async edit(path: string, from: string, to: string): Promise<void> {
    const file = join(this.clone, path);
    const text = await readFile(file, 'utf8');
    if (!text.includes(from)) throw new Error(`${path} does not contain ${from}`);
    await writeFile(file, text.replace(from, to));
  }

  /** Writes a file of the operator's clone. */
  async write(path: string, content: string): Promise<void> {
    await mkdir(dirname(join(this.clone, path)), { recursive: true });
    await writeFile(join(this.clone, path), content);
  }

  /** Commits everything as `author` and pushes, rebasing over the daemon's status commits. */
  async commitAll(author: Person, subject: string): Promise<string> {
    await this.git(this.clone, author, ['add', '--all']);
    await this.git(this.clone, author, ['commit', '--quiet', '-m', subject]);
    for (let attempt = 0; ; attempt++) {
      try {
        await this.git(this.clone, author, ['push', '--quiet', 'origin', 'HEAD:main']);
        return await this.git(this.clone, author, ['rev-parse', 'HEAD']);
      } catch (error) {
        if (attempt >= 5) throw error;
        await this.git(this.clone, author, ['pull', '--quiet', '--rebase', 'origin', 'main']);
      }
    }
  }

  /** Brings the operator's clone up to date. */
  async pull(): Promise<void> {
    await this.git(this.clone, { name: 'demo', email: 'demo@example.com' }, [
      'pull',
      '--quiet',
      '--rebase',
      'origin',
      'main',
    ]);
  }

  /** git in the origin (read-only queries). */
  async inOrigin(args: string[]): Promise<string> {
    return this.git(this.origin, { name: 'demo', email: 'demo@example.com' }, args);
  }

  private async git(cwd: string, who: Person, args: string[]): Promise<string> {
    const { stdout } = await run('git', args, {
      cwd,
      env: {
        PATH: process.env.PATH,
        HOME: this.root,
        GIT_CONFIG_NOSYSTEM: '1',
        LC_ALL: 'C',
        GIT_AUTHOR_NAME: who.name,
        GIT_AUTHOR_EMAIL: who.email,
        GIT_COMMITTER_NAME: who.name,
        GIT_COMMITTER_EMAIL: who.email,
      },
    });
    return stdout.trim();
  }
}
