/**
 * Starting the notifier reads each sink's secret file once: a missing or empty file, or a Slack
 * file that does not hold an https URL, stops the start with a configuration error that names
 * the file and the field, never the content. No sink: no notifier and nothing in the state directory.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NO_NOTIFICATIONS, type SinkConfig } from '../../src/config/notify-config.js';
import { systemClock } from '../../src/core/clock.js';
import type { FleetError } from '../../src/core/errors.js';
import { createNotifier } from '../../src/notify/create-notifier.js';
import { keptLogger } from './helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ovh-fleet-notify-start-'));
  dirs.push(dir);
  return dir;
}

async function failure(dir: string, sink: SinkConfig): Promise<FleetError> {
  const deps = { stateDir: dir, clock: systemClock, log: keptLogger().logger };
  return createNotifier({ ...NO_NOTIFICATIONS, sinks: [sink] }, deps).then(
    () => {
      throw new Error('expected a configuration error');
    },
    (error: unknown) => error as FleetError,
  );
}

const filters = { severities: null, reasons: null, labels: null };

describe('starting the notifier', () => {
  it('without sinks, starts nothing and writes nothing', async () => {
    const dir = setup();

    const notifier = await createNotifier(NO_NOTIFICATIONS, {
      stateDir: dir,
      clock: systemClock,
      log: keptLogger().logger,
    });

    expect(notifier).toBeNull();
    expect(existsSync(path.join(dir, 'notify'))).toBe(false);
  });

  it('refuses a missing HMAC key file, naming it and the field', async () => {
    const dir = setup();
    const keyFile = path.join(dir, 'absent');

    const error = await failure(dir, {
      name: 'ops',
      type: 'webhook',
      url: 'https://x.example/h',
      hmacKeyFile: keyFile,
      filters,
    });

    expect(error.code).toBe('daemon-config-unreadable');
    expect(error.message).toBe(`notifications.sinks[0].hmacKeyFile: ${keyFile} cannot be read (ENOENT)`);
  });

  it('refuses an empty key file', async () => {
    const dir = setup();
    const keyFile = path.join(dir, 'key');
    writeFileSync(keyFile, '\n');

    const error = await failure(dir, {
      name: 'ops',
      type: 'webhook',
      url: 'https://x.example/h',
      hmacKeyFile: keyFile,
      filters,
    });

    expect(error.code).toBe('daemon-config-invalid');
    expect(error.message).toMatch(/hmacKeyFile: .* is empty/);
  });

  it('refuses a Slack file that holds no https URL, without repeating what it holds', async () => {
    const dir = setup();
    const urlFile = path.join(dir, 'slack-url');
    writeFileSync(urlFile, 'http://hooks.slack.example/services/T0/B0/s3cr3tPart\n');

    const error = await failure(dir, { name: 'chat', type: 'slack', urlFile, filters });

    expect(error.code).toBe('daemon-config-invalid');
    expect(error.message).toContain('notifications.sinks[0].urlFile');
    expect(error.message).not.toContain('s3cr3tPart');
  });
});
