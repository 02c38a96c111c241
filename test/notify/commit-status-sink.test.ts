/**
 * The commit-status sink: which state each phase gives (pending, success, failure for the
 * server's own failure, error for ovh-fleet's), the link and description, halts making no status,
 * a stale delivery never overtaking a later one, and forge errors mapped so that a retryable one
 * pauses the sink (keeping the order) while a refusal does not. The commit-status section of the
 * daemon configuration names file, line and field on a mistake.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CommitStatus, CommitStatusPort } from '../../src/forge/commit-status.js';
import { ForgeError } from '../../src/forge/forge-error.js';
import { parseNotifyConfig, withForgeToken } from '../../src/config/notify-config.js';
import { haltEvent, serverEvent, type NotificationEvent } from '../../src/notify/event.js';
import { commitStateOf, commitStatusOf, commitStatusSink } from '../../src/notify/commit-status-sink.js';
import type { DeliveryError } from '../../src/notify/sink.js';
import { LineCounter, parseDocument } from 'yaml';
import { commitOf, recordOf } from './helpers.js';

const NAME = 'ns1.example.net';
const event = (phase: Parameters<typeof recordOf>[1], now = 0, extra = {}): NotificationEvent =>
  serverEvent(recordOf(NAME, phase, commitOf(1), extra), { planHash: null, now })!;

class Recording implements CommitStatusPort {
  readonly set_: CommitStatus[] = [];
  fail: Error | null = null;
  set(status: CommitStatus): Promise<void> {
    if (this.fail) return Promise.reject(this.fail);
    this.set_.push(status);
    return Promise.resolve();
  }
}

describe('commit states', () => {
  it('pending while planned, reinstalling or verifying; success when ready; failure or error when failed', () => {
    expect(['pending', 'reinstalling', 'verifying'].map((p) => commitStateOf(event(p as 'pending')))).toEqual(
      ['pending', 'pending', 'pending'],
    );
    expect(commitStateOf(event('ready'))).toBe('success');
    expect(commitStateOf(event('unhealthy'))).toBe('failure');
    const failed = (code: string) =>
      event('failed', 0, { lastError: { code, message: 'm', at: '2026-01-01T00:00:00Z' } });
    expect(commitStateOf(failed('reinstall-failed'))).toBe('failure');
    expect(commitStateOf(failed('task-timeout'))).toBe('failure');
    expect(commitStateOf(failed('inconsistent-result'))).toBe('error');
  });

  it('links the status record, describes phase and reason, and makes nothing of a halt', () => {
    const status = commitStatusOf(
      event('ready'),
      'https://git.example/{branch}/status/{serviceName}.yaml',
      'main',
    )!;
    expect(status).toMatchObject({
      sha: commitOf(1),
      context: `ovh-fleet/${NAME}`,
      state: 'success',
      description: 'ready: in-sync',
      targetUrl: `https://git.example/main/status/${NAME}.yaml`,
    });
    const halt = haltEvent({ cohort: null, servers: [NAME] }, commitOf(2), { planHash: null, now: 0 });
    expect(commitStatusOf(halt, null, 'main')).toBeNull();
    expect(
      commitStatusSink({ name: 's', port: new Recording(), targetUrl: null, branch: 'main' }).package(
        [halt],
        { revision: 'x' },
      ),
    ).toEqual([]);
  });
});

describe('the sink', () => {
  it('drops a delivery older than the last one it set for the same commit and server', async () => {
    const port = new Recording();
    const sink = commitStatusSink({ name: 's', port, targetUrl: null, branch: 'main' });
    const signal = new AbortController().signal;
    const [pending] = sink.package([event('reinstalling', 1000)], { revision: 'r' });
    const [ready] = sink.package([event('ready', 2000)], { revision: 'r' });
    await sink.send(ready!, signal);
    await sink.send(pending!, signal);
    expect(port.set_.map((s) => s.state)).toEqual(['success']);
  });

  it('whatever order deliveries arrive in, the last state set is the newest event', async () => {
    const phases = ['pending', 'reinstalling', 'verifying', 'ready', 'unhealthy', 'failed'] as const;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat({ max: 5 }), { minLength: 1, maxLength: 8 }), async (order) => {
        const port = new Recording();
        const sink = commitStatusSink({ name: 's', port, targetUrl: null, branch: 'main' });
        const events = order.map((p, i) => event(phases[p]!, i * 1000));
        const shuffled = [...events].reverse();
        for (const e of shuffled)
          await sink.send(sink.package([e], { revision: 'r' })[0]!, new AbortController().signal);
        const newest = events.at(-1)!;
        expect(port.set_.at(-1)!.state).toBe(commitStateOf(newest));
      }),
    );
  });

  it('a retryable forge error pauses the sink; a refusal does not; an unknown failure is unreachable', async () => {
    const port = new Recording();
    const sink = commitStatusSink({ name: 's', port, targetUrl: null, branch: 'main' });
    const [d] = sink.package([event('ready')], { revision: 'r' });
    const kindOf = async (error: Error): Promise<string> => {
      port.fail = error;
      const caught = await sink.send(d!, new AbortController().signal).catch((e: unknown) => e);
      return (caught as DeliveryError).kind;
    };
    expect(await kindOf(new ForgeError('GitHub: HTTP 502: bad gateway', 502))).toBe('server');
    expect(await kindOf(new ForgeError('GitHub: HTTP 403: rate limit', 403))).toBe('server');
    expect(await kindOf(new ForgeError('GitHub: HTTP 422: invalid', 422))).toBe('rejected');
    expect(await kindOf(new ForgeError('GitHub: no answer', 0))).toBe('unreachable');
    expect(await kindOf(new Error('boom'))).toBe('unreachable');
  });
});

describe('the commit-status section of the configuration', () => {
  const parse = (yaml: string) => {
    const counter = new LineCounter();
    const doc = parseDocument(yaml, { lineCounter: counter });
    const node = (doc.contents as { items: { value: unknown }[] }).items[0]!.value;
    return parseNotifyConfig(node, {
      file: '/etc/ovh-fleet/daemon.yaml',
      baseDir: '/etc/ovh-fleet',
      lineOf: (offset) => counter.linePos(offset).line,
    });
  };

  it('reads every field, resolves the token file, and fills the credential when none is given', () => {
    const config = parse(
      'notifications:\n  sinks:\n    - name: gh\n      type: commit-status\n      provider: github\n' +
        '      repository: acme/fleet\n      checks: true\n      tokenFile: forge-token\n' +
        '      targetUrl: https://ui.example/servers/{serviceName}\n    - {name: gl, type: commit-status}\n',
    );
    expect(config.sinks[0]).toMatchObject({
      type: 'commit-status',
      provider: 'github',
      repository: 'acme/fleet',
      checks: true,
      tokenFile: '/etc/ovh-fleet/forge-token',
      targetUrl: 'https://ui.example/servers/{serviceName}',
    });
    const filled = withForgeToken(config, '/run/credentials/ovh-fleet.service/forge-token');
    expect(filled.sinks.map((s) => (s as { tokenFile: string }).tokenFile)).toEqual([
      '/etc/ovh-fleet/forge-token',
      '/run/credentials/ovh-fleet.service/forge-token',
    ]);
  });

  it.each([
    ['provider: bitbucket', /daemon\.yaml:6: notifications\.sinks\[0\]\.provider: must be github or gitlab/],
    ['repository: "acme"', /daemon\.yaml:6: notifications\.sinks\[0\]\.repository: must be OWNER\/REPO/],
    ['checks: "yes"', /daemon\.yaml:6: notifications\.sinks\[0\]\.checks: must be true or false/],
    ['apiUrl: http://gh.example', /daemon\.yaml:6: notifications\.sinks\[0\]\.apiUrl: must be https/],
    ['token: abc', /daemon\.yaml:6: notifications\.sinks\[0\]\.token: unknown key/],
  ])('%s is refused with file, line and field', (line, message) => {
    expect(() =>
      parse(
        `notifications:\n  sinks:\n    - name: gh\n      type: commit-status\n      filters: {}\n      ${line}\n`,
      ),
    ).toThrow(message);
  });
});
