/**
 * Finding the files of a fleet repository: `fleet.yaml` at the root and every
 * `servers/**\/*.yaml|yml`, as sorted repository-relative paths with forward slashes. Dot-files
 * and dot-directories are skipped. No symbolic link is followed: a `servers/` folder or a folder
 * under it that is a link is a `symlink-refused` diagnostic and is not walked; a spec file or
 * `fleet.yaml` that is a link is listed, and refused when it is loaded (load-file.ts).
 */
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../core/diagnostic.js';

/** The files readFleet reads. */
export interface FleetFiles {
  /** `fleet.yaml` when the repository has one. */
  fleetFile: string | undefined;
  serverFiles: string[];
  /** The listed files that are symbolic links (refused when loaded). */
  symlinks: Set<string>;
}

const YAML_FILE = /\.ya?ml$/;

/** Lists the repository's files; an unreadable directory becomes a diagnostic. */
export async function listFleetFiles(root: string, diagnostics: Diagnostic[]): Promise<FleetFiles> {
  let fleetFile: string | undefined;
  const symlinks = new Set<string>();
  try {
    const found = await lstat(path.join(root, 'fleet.yaml'));
    if (found.isFile() || found.isSymbolicLink()) fleetFile = 'fleet.yaml';
    if (found.isSymbolicLink()) symlinks.add('fleet.yaml');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') fleetFile = 'fleet.yaml';
  }
  const serverFiles: string[] = [];
  const servers = await lstat(path.join(root, 'servers')).catch(() => null);
  if (servers?.isSymbolicLink()) diagnostics.push(linkDiagnostic('servers'));
  else await walk(root, 'servers', { files: serverFiles, symlinks }, diagnostics);
  serverFiles.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { fleetFile, serverFiles, symlinks };
}

async function walk(
  root: string,
  dir: string,
  out: { files: string[]; symlinks: Set<string> },
  diagnostics: Diagnostic[],
): Promise<void> {
  let entries;
  try {
    entries = await readdir(path.join(root, dir), { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && dir === 'servers') return;
    diagnostics.push({
      file: dir,
      line: 1,
      column: 1,
      severity: 'error',
      code: 'file-unreadable',
      message: `directory ${dir} cannot be read (${code ?? 'error'})`,
    });
    return;
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) await walk(root, rel, out, diagnostics);
    else if (entry.isFile() && YAML_FILE.test(entry.name)) out.files.push(rel);
    else if (entry.isSymbolicLink() && YAML_FILE.test(entry.name)) {
      out.files.push(rel);
      out.symlinks.add(rel);
    } else if (entry.isSymbolicLink()) diagnostics.push(linkDiagnostic(rel));
  }
}

function linkDiagnostic(rel: string): Diagnostic {
  return {
    file: rel,
    line: 1,
    column: 1,
    severity: 'error',
    code: 'symlink-refused',
    message: `${rel} is a symbolic link: ovh-fleet follows no link in the repository (nothing under it is read)`,
  };
}
