/**
 * The generic webhook end to end over real HTTP on 127.0.0.1: the receiver checks the HMAC of
 * every body; a receiver that is down for a while gets everything afterwards, once; a crash
 * between the send and its record (the outbox as it was on disk at that moment, reopened) sends
 * at most one duplicate, with the same idempotency key.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NO_NOTIFICATIONS } from '../../src/config/notify-config.js';
import { systemClock } from '../../src/core/clock.js';
import type { NotificationEvent } from '../../src/notify/event.js';
import { Notifier, type NotifyCycle } from '../../src/notify/notifier.js';
import { webhookSink } from '../../src/notify/webhook-sink.js';
import type { StatusRecord } from '../../src/records/types.js';
import { commitOf, keptLogger, Receiver, recordOf, until } from './helpers.js';

const KEY = 'hmac-key-5be1c0';
const dirs: string[] = [];
const running: Notifier[] = [];
const receivers: Receiver[] = [];
afterEach(async () => {
  for (const n of running.splice(0)) await n.stop();
  for (const r of receivers.splice(0)) await r.down();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function stateDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ovh-fleet-notify-'));
  dirs.push(dir);
  return dir;
}

/** What the test receiver does: checks X-Signature against the body with the shared key. */
function signedByKey(body: string, header: string | string[] | undefined): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', KEY).update(body).digest('hex')}`);
  const got = Buffer.from(typeof header === 'string' ? header : '');
  return got.length === expected.length && timingSafeEqual(got, expected);
}

async function start(dir: string, url: string, extra: { maxAttempts?: number } = {}): Promise<Notifier> {
  const notifier = await Notifier.start({
    stateDir: dir,
    sinks: [
      {
        sink: webhookSink({ name: 'ops', url, hmacKey: KEY, timeoutMs: 5_000 }),
        filters: { severities: null, reasons: null, labels: null },
      },
    ],
    clock: systemClock,
    log: keptLogger().logger,
    maxAttempts: extra.maxAttempts ?? NO_NOTIFICATIONS.maxAttempts,
    backoffMs: 20,
    maxBackoffMs: 50,
    pollMs: 20,
  });
  running.push(notifier);
  return notifier;
}

function cycle(records: StatusRecord[], now = 1_000): NotifyCycle {
  return { records, halts: [], revision: commitOf(999), planHash: null, now, labelsOf: () => undefined };
}

const names = ['ns1.example.net', 'ns2.example.net', 'ns3.example.net'];

/** A baseline cycle (all ready at commit 1), then the servers move to `phase` at commit 2. */
function observeRollout(notifier: Notifier, phases: StatusRecord['phase'][]): void {
  notifier.observe(cycle(names.map((n) => recordOf(n, 'ready', commitOf(1)))));
  for (const [i, phase] of phases.entries())
    notifier.observe(
      cycle(
        names.map((n) => recordOf(n, phase, commitOf(2))),
        2_000 + i,
      ),
    );
}

describe('the generic webhook', () => {
  it('posts each event once, signed with the HMAC of its body, with its idempotency key in a header', async () => {
    const receiver = await Receiver.start();
    receivers.push(receiver);
    const notifier = await start(stateDir(), receiver.url);

    observeRollout(notifier, ['pending', 'reinstalling']);
    await until(() => receiver.received.length === 6 && notifier.waiting === 0, 'six events sent');

    for (const r of receiver.received) {
      expect(signedByKey(r.body, r.headers['x-signature'])).toBe(true);
      const event = JSON.parse(r.body) as NotificationEvent;
      expect(r.headers['idempotency-key']).toBe(event.idempotencyKey);
      expect(event).toMatchObject({
        involvedObject: { kind: 'Server' },
        severity: 'info',
        metadata: { revision: commitOf(2) },
        specCommit: commitOf(2),
      });
    }
    const keys = receiver.received.map((r) => r.headers['idempotency-key']);
    expect(new Set(keys).size).toBe(6);
  });

  it('a body changed on the way fails the receiver’s check', async () => {
    const receiver = await Receiver.start();
    receivers.push(receiver);
    const notifier = await start(stateDir(), receiver.url);

    observeRollout(notifier, ['pending']);
    await until(() => receiver.received.length === 3, 'three events');

    const r = receiver.received[0]!;
    expect(signedByKey(r.body.replace('pending', 'ready'), r.headers['x-signature'])).toBe(false);
  });

  it('a receiver down for a while gets everything afterwards, once', async () => {
    const receiver = await Receiver.start();
    receivers.push(receiver);
    await receiver.down();
    const notifier = await start(stateDir(), receiver.url, { maxAttempts: 1000 });

    observeRollout(notifier, ['pending', 'reinstalling', 'verifying', 'ready']);
    await notifier.settled();
    await until(() => notifier.waiting === 12, 'twelve deliveries waiting');
    await new Promise((r) => setTimeout(r, 200)); // several failed attempts while down
    await receiver.up();
    await until(() => notifier.waiting === 0, 'the outbox to empty');

    const keys = receiver.received.map((r) => r.headers['idempotency-key'] as string);
    expect(keys).toHaveLength(12);
    expect(new Set(keys).size).toBe(12);
    expect(receiver.received.every((r) => signedByKey(r.body, r.headers['x-signature']))).toBe(true);
  });

  it('after a crash between send and record, at most one duplicate, with the same idempotency key', async () => {
    const receiver = await Receiver.start();
    receivers.push(receiver);
    const dir = stateDir();
    const crashed = stateDir();
    // The first request: the outbox on disk is copied as it is while the send is in flight
    // (written, not yet removed): the state a SIGKILL at that moment leaves.
    receiver.answer = (_req, res) => {
      if (receiver.received.length === 1)
        cpSync(path.join(dir, 'notify'), path.join(crashed, 'notify'), { recursive: true });
      res.writeHead(200).end('ok');
    };
    const first = await start(dir, receiver.url);
    first.observe(cycle([recordOf(names[0]!, 'ready', commitOf(1))]));
    first.observe(cycle([recordOf(names[0]!, 'reinstalling', commitOf(2))]));
    await until(() => first.waiting === 0 && receiver.received.length === 1, 'the first send');
    await first.stop();

    const again = await start(crashed, receiver.url);
    await until(() => again.waiting === 0, 'the reopened outbox to empty');
    again.observe(cycle([recordOf(names[0]!, 'reinstalling', commitOf(2))]));
    await again.settled();
    await new Promise((r) => setTimeout(r, 100));

    const keys = receiver.received.map((r) => r.headers['idempotency-key']);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(readdirSync(path.join(crashed, 'notify', 'outbox'))).toEqual([]);
  });

  it('after a crash between writing a cycle’s deliveries and its memory, each event is sent once', async () => {
    const receiver = await Receiver.start();
    receivers.push(receiver);
    await receiver.down();
    const dir = stateDir();
    const memoryFile = path.join(dir, 'notify', 'memory.json');
    const first = await start(dir, receiver.url);
    first.observe(cycle([recordOf(names[0]!, 'ready', commitOf(1))]));
    await first.settled();
    const before = readFileSync(memoryFile, 'utf8');
    first.observe(cycle([recordOf(names[0]!, 'reinstalling', commitOf(2))]));
    await first.settled();
    await first.stop();
    // The crash: the delivery is on disk, the memory is still the one before it.
    writeFileSync(memoryFile, before);
    await receiver.up();

    const again = await start(dir, receiver.url);
    await until(() => again.waiting === 0 && receiver.received.length === 1, 'the waiting delivery');
    again.observe(cycle([recordOf(names[0]!, 'reinstalling', commitOf(2))]));
    await again.settled();
    await new Promise((r) => setTimeout(r, 100));

    expect(receiver.received).toHaveLength(1);
    expect(again.waiting).toBe(0);
  });

  it('a receiver that refuses goes to dead letters after maxAttempts, kept on disk', async () => {
    const receiver = await Receiver.start();
    receivers.push(receiver);
    receiver.answer = (_req, res) => res.writeHead(400).end('no');
    const dir = stateDir();
    const notifier = await start(dir, receiver.url, { maxAttempts: 3 });

    observeRollout(notifier, ['pending']);
    await until(
      () => notifier.waiting === 0 && readdirSync(path.join(dir, 'notify', 'dead')).length === 3,
      'three dead letters',
    );

    expect(receiver.received).toHaveLength(9);
  });
});
