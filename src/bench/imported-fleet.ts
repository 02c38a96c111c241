/**
 * A fleet repository for the benches that run the real daemon over a simulated account: a bare
 * origin and a "human" clone, `ovh-fleet import` (its runImport) writing a spec for every server
 * whose OS can be declared, and a protected spec for each of the others (an operator holds such
 * servers back), so that every server has a spec; committed and pushed. fleet.yaml sets
 * `api.requestsPerMinute: 1000000` so that the request budget does not pace the cycles.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runImport } from '../cli/import-command.js';
import type { OvhApi } from '../ovh/ovh-api.js';
import { benchGit } from './bench-git.js';
import { countBy } from './count-by.js';

/** The origin's path and what import did. */
export interface ImportedFleet {
  origin: string;
  written: number;
  skipped: number;
  /** "n reason, …" of the servers import skipped. */
  skippedReasons: string;
  importMs: number;
}

/** Makes `root/origin.git` from an import of the account `api` reaches. */
export async function importedFleet(root: string, api: OvhApi): Promise<ImportedFleet> {
  const origin = join(root, 'origin.git');
  const human = join(root, 'human');
  benchGit(root, ['init', '--quiet', '--bare', '--initial-branch=main', origin], root);
  benchGit(root, ['clone', '--quiet', origin, human], root);
  writeFileSync(
    join(human, 'fleet.yaml'),
    'apiVersion: ovh-fleet/v1\nkind: Fleet\napi:\n  requestsPerMinute: 1000000\n',
  );
  const t1 = performance.now();
  const imported = await runImport({ repo: human, api, print: () => undefined, printErr: () => undefined });
  const importMs = performance.now() - t1;
  mkdirSync(join(human, 'servers', 'held'), { recursive: true });
  for (const { serviceName } of imported.skipped) {
    writeFileSync(
      join(human, 'servers', 'held', `${serviceName}.yaml`),
      `apiVersion: ovh-fleet/v1\nkind: Server\nserviceName: ${serviceName}\noperatingSystem: debian12_64\nreinstall:\n  protect: true\n`,
    );
  }
  benchGit(human, ['add', '--all'], root);
  benchGit(human, ['commit', '--quiet', '-m', 'fleet: imported'], root);
  benchGit(human, ['push', '--quiet', 'origin', 'HEAD:main'], root);
  return {
    origin,
    written: imported.written.length,
    skipped: imported.skipped.length,
    skippedReasons: countBy(imported.skipped.map((s) => s.reason)),
    importMs,
  };
}
