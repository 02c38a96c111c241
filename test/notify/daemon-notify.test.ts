/**
 * Notifications from a real daemon (in-process, the simulator, a git origin, receivers on
 * 127.0.0.1): a merged change with an `{env}` secret in its spec reaches the webhook as signed
 * events of its spec commit (reinstalling, then ready), and no notification, outbox file or log
 * line carries the secret's value. A second receiver that never answers delays no cycle, no
 * reinstall and no status commit; /metrics counts what was sent and what failed.
 */
import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { NO_NOTIFICATIONS, type SinkConfig } from '../../src/config/notify-config.js';
import type { Logger } from '../../src/core/logger.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon/daemon.js';
import type { NotificationEvent } from '../../src/notify/event.js';
import { simApi } from '../support/sim-api.js';
import { closeSimulator, IMAGE_TOKEN, spec, World, WEBHOOK_SECRET } from '../daemon/helpers.js';
import { keptLogger, Receiver, until } from './helpers.js';

const HMAC_KEY = 'notify-hmac-0c41d9';
/** A piece of the secret's value that nothing else contains. */
const SECRET_PART = 'SECRETsecret41b2e8';

let world: World | null = null;
const receivers: Receiver[] = [];
afterEach(async () => {
  await world?.close();
  world = null;
  for (const r of receivers.splice(0)) await r.down();
});
afterAll(closeSimulator);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(path.join(e.parentPath, e.name), 'utf8'));
}

const ALL = { severities: null, reasons: null, labels: null };

/** Starts the world's daemon in-process with notification sinks (short delays), as World.start does. */
function startWith(w: World, logger: Logger, sinks: SinkConfig[]): Promise<RunningDaemon> {
  return startDaemon(
    {
      ...w.config(),
      notifications: {
        ...NO_NOTIFICATIONS,
        timeoutSeconds: 1,
        backoffSeconds: 1,
        maxBackoffSeconds: 1,
        sinks,
      },
    },
    {
      api: simApi(w.sim, logger),
      logger,
      env: { FLEET_SECRET_IMAGE_TOKEN: IMAGE_TOKEN },
      secrets: { webhookSecret: WEBHOOK_SECRET },
      triggers: { schedule: false, watch: false },
      follower: { slowIntervalMs: 50, intervalMs: 50, minIntervalMs: 20 },
      post: { ambiguityDelayMs: 10 },
    },
  );
}

function phaseOf(w: World, name: string): string | null {
  return (parse(w.originFile(`status/${name}.yaml`) ?? '{}') as { phase?: string }).phase ?? null;
}

describe('notifications from the daemon', () => {
  it('sends signed events of a merged change, never its secret, while a hanging receiver delays nothing', async () => {
    world = await World.create({ count: 2, headers: true });
    const w = world;
    const good = await Receiver.start();
    const hanging = await Receiver.start();
    hanging.answer = () => undefined; // accepts the request, never answers
    receivers.push(good, hanging);
    const keyFile = path.join(w.root, 'notify-hmac');
    writeFileSync(keyFile, `${HMAC_KEY}\n`);
    const { logger, lines } = keptLogger();
    w.daemon = await startWith(w, logger, [
      { name: 'ops', type: 'webhook', url: good.url, hmacKeyFile: keyFile, filters: ALL },
      { name: 'stuck', type: 'webhook', url: hanging.url, hmacKeyFile: null, filters: ALL },
    ]);
    await w.daemon.trigger('manual'); // the baseline: the adopted servers are announced to nobody
    const [target] = w.managed;
    w.pull();
    w.write(target!.file, spec(target!.name, target!.other, true));
    const specCommit = w.commit(`move ${target!.name} to ${target!.other}`);

    await w.daemon.trigger('manual');
    const events = (): NotificationEvent[] =>
      good.received.map((r) => JSON.parse(r.body) as NotificationEvent);
    await until(() => events().some((e) => e.phase === 'ready'), 'the ready event', 120_000);
    const record = parse(w.originFile(`status/${target!.name}.yaml`) ?? '{}') as { phase: string };

    expect(record.phase).toBe('ready');
    // reinstalling, then ready (on a loaded machine the task can end before a cycle records it running).
    const phases = events().map((e) => e.phase);
    expect(phases.at(-1)).toBe('ready');
    expect(['reinstalling,ready', 'ready']).toContain(phases.join(','));
    expect(events().every((e) => e.serviceName === target!.name && e.specCommit === specCommit)).toBe(true);
    expect(events().every((e) => /^sha256:[0-9a-f]{64}$/.test(e.planHash ?? ''))).toBe(true);
    for (const r of good.received)
      expect(r.headers['x-signature']).toBe(
        `sha256=${createHmac('sha256', HMAC_KEY).update(r.body).digest('hex')}`,
      );
    expect(hanging.received.length).toBeGreaterThan(0);
    let metrics = '';
    const scrape = async (): Promise<string> =>
      (metrics = await (await fetch(`http://127.0.0.1:${w.daemon!.address!.port}/metrics`)).text());
    for (let i = 0; i < 100 && !(await scrape()).includes(`sink="ops"} ${phases.length}`); i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(metrics).toContain(`ovh_fleet_notifications_sent_total{sink="ops"} ${phases.length}`);
    expect(metrics).toMatch(/ovh_fleet_notifications_failed_total\{sink="stuck"\} [1-9]/);
    // The secret is in the spec the daemon applied, and nowhere in what it notified or kept.
    expect(readFileSync(path.join(w.human, target!.file), 'utf8')).toContain('FLEET_SECRET_IMAGE_TOKEN');
    const everything = [
      ...good.received.map((r) => r.body),
      ...hanging.received.map((r) => r.body),
      ...filesUnder(path.join(w.stateDir, 'notify')),
      ...lines,
    ].join('\n');
    expect(everything).not.toContain(SECRET_PART);
    expect(everything).not.toContain(HMAC_KEY);
  }, 240_000);
  it('keeps what a down receiver missed across a restart and delivers it once', async () => {
    world = await World.create({ count: 1 });
    const w = world;
    const receiver = await Receiver.start();
    receivers.push(receiver);
    await receiver.down();
    const { logger } = keptLogger();
    const sinks: SinkConfig[] = [
      { name: 'ops', type: 'webhook', url: receiver.url, hmacKeyFile: null, filters: ALL },
    ];
    const first = await startWith(w, logger, sinks);
    await first.trigger('manual');
    const [target] = w.managed;
    w.pull();
    w.write(target!.file, spec(target!.name, target!.other));
    const specCommit = w.commit(`move ${target!.name} to ${target!.other}`);
    await first.trigger('manual');
    await until(() => phaseOf(w, target!.name) === 'ready', 'the reinstall to end', 120_000);
    const outbox = path.join(w.stateDir, 'notify', 'outbox');
    await until(() => readdirSync(outbox).some((f) => f.endsWith('.json')), 'a delivery waiting', 60_000);
    await first.stop();

    await receiver.up();
    w.daemon = await startWith(w, logger, sinks);
    await w.daemon.trigger('manual');
    const events = (): NotificationEvent[] =>
      receiver.received.map((r) => JSON.parse(r.body) as NotificationEvent);
    await until(() => events().some((e) => e.phase === 'ready'), 'the ready event', 120_000);
    await until(() => readdirSync(outbox).length === 0, 'the outbox to empty', 60_000);
    await w.daemon.trigger('manual');

    const keys = events().map((e) => e.idempotencyKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(events().every((e) => e.serviceName === target!.name && e.specCommit === specCommit)).toBe(true);
    expect(events().at(-1)?.phase).toBe('ready');
  }, 240_000);
});
