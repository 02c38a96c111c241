/**
 * Slack through `@slack/webhook`, against a local server standing in for hooks.slack.com (the
 * URL comes from a file, as in production): a rollout cycle of many servers is one summary
 * message, each failure, unhealthy server and halt its own; the URL never reaches the log.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NO_NOTIFICATIONS } from '../../src/config/notify-config.js';
import { systemClock } from '../../src/core/clock.js';
import { createNotifier } from '../../src/notify/create-notifier.js';
import type { Notifier, NotifyCycle } from '../../src/notify/notifier.js';
import type { StatusRecord } from '../../src/records/types.js';
import { commitOf, keptLogger, Receiver, recordOf, until } from './helpers.js';

const SECRET_PATH = '/services/T000/B000/XXXXsecretXXXX';
const dirs: string[] = [];
const running: Notifier[] = [];
const receivers: Receiver[] = [];
afterEach(async () => {
  for (const n of running.splice(0)) await n.stop();
  for (const r of receivers.splice(0)) await r.down();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function startSlack(receiver: Receiver): Promise<{ notifier: Notifier; lines: string[] }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ovh-fleet-slack-'));
  dirs.push(dir);
  const urlFile = path.join(dir, 'slack-url');
  writeFileSync(urlFile, `http://127.0.0.1:${receiver.port}${SECRET_PATH}\n`);
  const { logger, lines } = keptLogger();
  const notifier = await createNotifier(
    {
      ...NO_NOTIFICATIONS,
      backoffSeconds: 1,
      maxBackoffSeconds: 1,
      sinks: [
        { name: 'chat', type: 'slack', urlFile, filters: { severities: null, reasons: null, labels: null } },
      ],
    },
    { stateDir: dir, clock: systemClock, log: logger, pollMs: 20 },
  );
  running.push(notifier!);
  return { notifier: notifier!, lines };
}

const fleet = Array.from({ length: 60 }, (_, i) => `ns${100 + i}.example.net`);

function cycle(records: StatusRecord[], halted = false): NotifyCycle {
  return {
    records,
    halts: halted ? [{ cohort: null, servers: ['ns100.example.net', 'ns101.example.net'] }] : [],
    revision: commitOf(2),
    planHash: null,
    now: 1_000,
    labelsOf: () => undefined,
  };
}

function texts(receiver: Receiver): string[] {
  return receiver.received.map((r) => (JSON.parse(r.body) as { text: string }).text);
}

describe('the Slack sink', () => {
  it('sends one summary for a rollout batch of 60 servers, not one message per server', async () => {
    const receiver = await Receiver.start();
    receivers.push(receiver);
    const { notifier } = await startSlack(receiver);

    notifier.observe(cycle(fleet.map((n) => recordOf(n, 'ready', commitOf(1)))));
    notifier.observe(cycle(fleet.map((n) => recordOf(n, 'reinstalling', commitOf(2)))));
    await notifier.settled();
    await until(() => notifier.waiting === 0 && receiver.received.length > 0, 'the summary');

    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.path).toBe(SECRET_PATH);
    expect(receiver.received[0]!.headers['idempotency-key']).toMatch(/^ovh-fleet:summary:/);
    const text = texts(receiver)[0]!;
    expect(text).toContain('60 reinstalling');
    expect(text).toContain('and 50 more');
  });

  it('sends each failure, unhealthy server and halt as its own message beside the summary', async () => {
    const receiver = await Receiver.start();
    receivers.push(receiver);
    const { notifier } = await startSlack(receiver);
    const failed = (n: string): StatusRecord =>
      recordOf(n, 'failed', commitOf(2), {
        lastError: { code: 'reinstall-task-error', message: 'x', at: 'y' },
      });

    notifier.observe(cycle(fleet.map((n) => recordOf(n, 'ready', commitOf(1)))));
    notifier.observe(
      cycle(
        fleet.map((n, i) =>
          i === 0
            ? failed(n)
            : i === 1
              ? recordOf(n, 'unhealthy', commitOf(2))
              : recordOf(n, 'ready', commitOf(2)),
        ),
        true,
      ),
    );
    await notifier.settled();
    await until(() => notifier.waiting === 0 && receiver.received.length > 0, 'the messages');

    const all = texts(receiver);
    expect(all).toHaveLength(4);
    expect(all.filter((t) => t.includes('rollout update'))).toHaveLength(1);
    expect(all.some((t) => t.includes('ns100.example.net is failed (reinstall-task-error)'))).toBe(true);
    expect(all.some((t) => t.includes('ns101.example.net is unhealthy'))).toBe(true);
    expect(all.some((t) => t.includes('rollout halted (fleet-wide): 2 unhealthy'))).toBe(true);
  });

  it('a Slack outage is retried and never puts the webhook URL in the log', async () => {
    const receiver = await Receiver.start();
    receivers.push(receiver);
    let refused = 0;
    receiver.answer = (_r, res) => {
      if (refused++ < 2) res.writeHead(503).end('busy');
      else res.writeHead(200).end('ok');
    };
    const { notifier, lines } = await startSlack(receiver);

    notifier.observe(cycle(fleet.slice(0, 3).map((n) => recordOf(n, 'ready', commitOf(1)))));
    notifier.observe(cycle(fleet.slice(0, 3).map((n) => recordOf(n, 'pending', commitOf(2)))));
    await until(() => notifier.waiting === 0 && receiver.received.length === 3, 'the third attempt');

    expect(lines.join('')).toContain('HTTP 503');
    expect(lines.join('')).not.toContain('secret');
  });
});
