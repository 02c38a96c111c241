/**
 * The `command` probe: an executable of the fleet repository, run on the daemon host; exit 0 is
 * healthy. Before it runs: the daemon's allow-list names it (and its sha256 when pinned), no
 * component of its path is a symbolic link, it is a regular executable file of at most 1 MiB.
 * The checked bytes are copied to a private scratch folder and the copy runs (no shell, the
 * fleet folder as working directory) with a clean environment: a fixed PATH, LANG, and
 * OVH_FLEET_SERVER, OVH_FLEET_ADDRESS, OVH_FLEET_REVERSE; never the daemon's own variables (its
 * credentials). Its output is discarded, never recorded or logged: it could hold secrets. It is
 * killed (SIGKILL) at the probe's timeout.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readConfined } from '../../core/confined-file.js';
import type { CommandProbe } from '../../specs/verify-types.js';
import { resolveTarget } from '../targets.js';
import type { ProbeContext, RunnerResult } from './probe-context.js';

/** The largest command file run. */
export const MAX_COMMAND_BYTES = 1024 * 1024;
/** The PATH a command gets. */
export const COMMAND_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export async function runCommandProbe(probe: CommandProbe, ctx: ProbeContext): Promise<RunnerResult> {
  const [file, ...args] = probe.command;
  const host = ctx.commands;
  if (!file) return { outcome: 'inconclusive', reason: 'no command' };
  const entry = host?.allow.find((e) => e.path === file);
  if (!host || !entry)
    return {
      outcome: 'inconclusive',
      reason: `${file} is not allowed by the daemon configuration (probes.allowCommands)`,
    };
  const read = readConfined(host.root, file, MAX_COMMAND_BYTES);
  if (!read.ok) return { outcome: 'inconclusive', reason: read.detail };
  if ((read.stat.mode & 0o111) === 0) return { outcome: 'inconclusive', reason: `${file} is not executable` };
  if (entry.sha256 !== null && createHash('sha256').update(read.bytes).digest('hex') !== entry.sha256)
    return {
      outcome: 'inconclusive',
      reason: `${file} differs from the content pinned in probes.allowCommands`,
    };
  const address = resolveTarget(ctx.targets, ctx.facts.serviceName, ctx.facts.ip, 0);
  if (!address.ok) return { outcome: 'inconclusive', reason: address.reason };
  let dir: string;
  try {
    dir = await mkdtemp(path.join(host.scratchDir, 'probe-'));
  } catch (error) {
    return { outcome: 'inconclusive', reason: `no scratch folder for ${file} (${codeOf(error)})` };
  }
  try {
    const copy = path.join(dir, path.basename(file));
    await writeFile(copy, read.bytes, { mode: 0o700, flag: 'wx' });
    await chmod(copy, 0o700);
    const env = {
      PATH: COMMAND_PATH,
      LANG: 'C.UTF-8',
      OVH_FLEET_SERVER: ctx.facts.serviceName,
      OVH_FLEET_ADDRESS: address.target.host,
      OVH_FLEET_REVERSE: ctx.facts.reverse?.replace(/\.$/, '') ?? '',
    };
    return await run(file, copy, args, host.root, env, ctx.signal);
  } catch (error) {
    return { outcome: 'inconclusive', reason: `${file} cannot be prepared (${codeOf(error)})` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function run(
  file: string,
  copy: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
  signal: AbortSignal,
): Promise<RunnerResult> {
  return new Promise((resolve) => {
    const child = spawn(copy, args, { cwd, env, stdio: 'ignore', shell: false });
    const onAbort = (): void => {
      child.kill('SIGKILL');
    };
    signal.addEventListener('abort', onAbort, { once: true });
    child.once('error', (error) => {
      signal.removeEventListener('abort', onAbort);
      resolve({ outcome: 'inconclusive', reason: `${file} cannot run on this host (${codeOf(error)})` });
    });
    child.once('exit', (code, killed) => {
      signal.removeEventListener('abort', onAbort);
      if (code === 0) resolve({ outcome: 'success' });
      else if (code === 126 || code === 127)
        resolve({
          outcome: 'inconclusive',
          reason: `${file} exited with ${code}: a program it needs cannot run on this host`,
        });
      else if (code !== null) resolve({ outcome: 'failure', reason: `${file} exited with ${code}` });
      else resolve({ outcome: 'failure', reason: `${file} was killed (${killed ?? 'signal'})` });
    });
  });
}

function codeOf(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : 'error';
}
