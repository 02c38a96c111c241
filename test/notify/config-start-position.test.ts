/**
 * Finding (minor): the commit-status sink's configuration problems found when the notifier starts
 * (the forge of a self-hosted remote unknown without `provider`, a repository path that is not
 * OWNER/REPO, the token file unreadable) are reported as `notifications.sinks[0].provider: …`
 * with no configuration file and line, unlike every problem parseNotifyConfig reports
 * (`<file>:<line>: <field>: <why>`). The operator of a daemon with several sinks and a long config
 * gets no position. Real parse of a real config file, then createNotifier as the daemon calls it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { systemClock } from '../../src/core/clock.js';
import type { FleetError } from '../../src/core/errors.js';
import { parseNotifyConfig } from '../../src/config/notify-config.js';
import { createNotifier } from '../../src/notify/create-notifier.js';
import { keptLogger } from './helpers.js';

describe('review4: commit-status sink problems found at start', () => {
  it('name the configuration file and line, like the parser does', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'review4-notify-cfg-'));
    const file = path.join(dir, 'daemon.yaml');
    const tokenFile = path.join(dir, 'token');
    writeFileSync(tokenFile, 'glpat-example\n');
    const text = [
      'notifications:',
      '  sinks:',
      '    - name: forge',
      '      type: commit-status',
      `      tokenFile: ${tokenFile}`,
      '',
    ].join('\n');
    writeFileSync(file, text);
    const doc = parseDocument(text);
    const lineOf = (offset: number): number => text.slice(0, offset).split('\n').length;
    const config = parseNotifyConfig(doc.get('notifications', true), { file, baseDir: dir, lineOf });

    const error = await createNotifier(config, {
      stateDir: dir,
      clock: systemClock,
      log: keptLogger().logger,
      repository: {
        url: 'ssh://git@git.example.com:2222/ops/fleet.git',
        branch: 'main',
        path: '.',
        statusBranch: 'main',
      },
    }).then(
      () => null,
      (e: unknown) => e as FleetError,
    );

    expect(error?.message).toMatch(
      new RegExp(`^${file.replaceAll('/', '\\/')}:\\d+: notifications\\.sinks\\[0\\]`),
    );
  });
});
