/**
 * `<stateDir>/verify/<serviceName>.json`: one server's verification state (src/verify), saved
 * after each round so that a restarted daemon resumes it (same streaks, same next round, same
 * deadline) instead of starting over. Written atomically and durably (writeFileDurably). The file
 * names the digest of the reinstall it verifies: a file of another reinstall is never resumed.
 */
import { mkdir, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileDurably } from '../apply/atomic-file.js';
import { isServiceName } from '../core/service-name.js';
import { readVerificationState, type VerificationState } from '../verify/index.js';

/** The content of one file. */
export interface VerifyFile {
  formatVersion: 1;
  /** The digest of the reinstall being verified. */
  digest: string;
  state: VerificationState;
}

/** The folder of the files. */
export function verifyDir(stateDir: string): string {
  return join(stateDir, 'verify');
}

/**
 * The saved state of `serviceName`'s verification of `digest` whose task ended at `endedAt` (ms;
 * null: any end); null when there is none, it is of another digest or another task's end (an
 * earlier reinstall of the same digest, whose file was left behind), or it is unreadable
 * (`problem` then says why, for the log).
 */
export async function readVerifyFile(
  stateDir: string,
  serviceName: string,
  digest: string,
  endedAt: number | null = null,
): Promise<{ state: VerificationState | null; problem: string | null }> {
  let text: string;
  try {
    text = await readFile(join(verifyDir(stateDir), `${serviceName}.json`), 'utf8');
  } catch {
    return { state: null, problem: null };
  }
  try {
    const data = JSON.parse(text) as Partial<VerifyFile>;
    if (data.formatVersion !== 1) return { state: null, problem: 'formatVersion is not 1' };
    if (data.digest !== digest) return { state: null, problem: null };
    const state = readVerificationState(data.state);
    if (typeof state === 'string') return { state: null, problem: state };
    if (state.facts.serviceName !== serviceName) return { state: null, problem: 'another server' };
    if (endedAt !== null && Date.parse(state.endedAt) !== endedAt)
      return { state: null, problem: "another reinstall's verification (another task end)" };
    return { state, problem: null };
  } catch {
    return { state: null, problem: 'not JSON' };
  }
}

/** Saves the state atomically and durably. */
export async function writeVerifyFile(
  stateDir: string,
  serviceName: string,
  digest: string,
  state: VerificationState,
): Promise<void> {
  const dir = verifyDir(stateDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file: VerifyFile = { formatVersion: 1, digest, state };
  await writeFileDurably(join(dir, `${serviceName}.json`), `${JSON.stringify(file, null, 2)}\n`);
}

/** Removes the files of every server not in `keep` (their verification is over and recorded). */
export async function removeVerifyFilesExcept(stateDir: string, keep: ReadonlySet<string>): Promise<void> {
  let names: string[];
  try {
    names = await readdir(verifyDir(stateDir));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    const serviceName = name.slice(0, -'.json'.length);
    if (!isServiceName(serviceName) || keep.has(serviceName)) continue;
    await unlink(join(verifyDir(stateDir), name)).catch(() => undefined);
  }
}
