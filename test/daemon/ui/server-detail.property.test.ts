/**
 * `/api/servers/<name>` (src/daemon/ui/server-detail.ts) over a git that records its calls.
 * Safety rules, as properties: no path segment that is not a known, well-formed serviceName ever
 * reaches git, and nothing fails with a 500 (over the real listener too); the answer never holds a
 * secret's value (`{file}` contents, `{env}` values) whatever the spec holds. Then the cache (the
 * same heads cost one git read, however many times the view opens) and a git failure (503, a plain
 * message, the details in the log only).
 */
import { request } from 'node:http';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { isServiceName } from '../../../src/core/service-name.js';
import { FleetError } from '../../../src/core/errors.js';
import { createLogger } from '../../../src/core/logger.js';
import type { HistoryEntry, HistoryOptions } from '../../../src/git/git-repo.js';
import { startHttpServer, type HttpListener } from '../../../src/daemon/http-server.js';
import { createDaemonMetrics } from '../../../src/daemon/metrics.js';
import { ServerDetails, type ServerDetailSources } from '../../../src/daemon/ui/server-detail.js';
import { makePlan } from '../../../src/plan/make-plan.js';
import type { Plan } from '../../../src/plan/types.js';
import type { StatusRecord } from '../../../src/records/types.js';
import { input, observed, record, spec } from '../../plan/helpers.js';

const KNOWN = ['ns1.ip-1-2-3.eu', 'web-1', 'A9.b-c'];
const SPEC_HEAD = 'a'.repeat(40);
const STATUS_HEAD = 'b'.repeat(40);

interface Call {
  serviceName: string;
  paths: readonly string[];
  options: HistoryOptions | undefined;
}

const ENTRIES: HistoryEntry[] = [
  {
    kind: 'spec',
    commit: {
      hash: 'c'.repeat(40),
      author: { name: 'Ann', email: 'ann@example.com' },
      date: '2026-11-01T00:00:00+00:00',
      subject: 'first fleet',
    },
    file: 'servers/x.yaml',
    osBefore: null,
    osAfter: 'debian12_64',
  },
];

/** Sources over KNOWN records (or `records`), a git that records calls, and an optional plan. */
function sources(
  over: Partial<ServerDetailSources> = {},
  records: ReadonlyMap<string, StatusRecord> = new Map(KNOWN.map((n) => [n, record(n, spec(n))])),
): { s: ServerDetailSources; calls: Call[]; heads: { status: string } } {
  const calls: Call[] = [];
  const heads = { status: STATUS_HEAD };
  const s: ServerDetailSources = {
    git: {
      history: async (serviceName, specPaths, options) => {
        calls.push({ serviceName, paths: await specPaths(serviceName), options });
        return ENTRIES;
      },
      statusHead: () => Promise.resolve(heads.status),
    },
    prefix: '',
    specHead: () => SPEC_HEAD,
    record: (name) => records.get(name),
    plan: () => null,
    log: createLogger({ level: 'silent' }),
    ...over,
  };
  return { s, calls, heads };
}

/** Path segments: raw text, percent-encoded text, and near-misses of real names. */
const segment = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }).map(encodeURIComponent),
  fc
    .constantFrom(...KNOWN)
    .chain((n) =>
      fc
        .tuple(fc.string({ maxLength: 3 }), fc.string({ maxLength: 3 }))
        .map(([a, b]) => encodeURIComponent(`${a}${n}${b}`)),
    ),
  fc.constantFrom('..', '.', '%2e%2e', '%2F', 'a%2Fb', '%00', '%', '%zz', 'a/b', '-rf', '--all', 'HEAD'),
);

describe('server details: what reaches git (safety: only a known, well-formed serviceName)', () => {
  it('no segment that is not a known serviceName reaches git; every answer is 200, 400 or 404', async () => {
    await fc.assert(
      fc.asyncProperty(segment, async (raw) => {
        const { s, calls } = sources();
        const answer = await new ServerDetails(s).answer(raw);
        let decoded: string | null = null;
        try {
          decoded = raw.includes('/') ? null : decodeURIComponent(raw);
        } catch {
          decoded = null;
        }
        const known = decoded !== null && KNOWN.includes(decoded);
        expect(answer.code).toBe(known ? 200 : decoded !== null && isServiceName(decoded) ? 404 : 400);
        for (const call of calls) {
          expect(isServiceName(call.serviceName)).toBe(true);
          expect(KNOWN).toContain(call.serviceName);
          expect(call.options).toEqual({ specRev: SPEC_HEAD, statusRev: STATUS_HEAD });
        }
        expect(calls.length).toBe(known ? 1 : 0);
      }),
      { numRuns: 1000 },
    );
  });

  let listener: HttpListener | undefined;
  afterEach(async () => {
    await listener?.close();
    listener = undefined;
  });

  it('over the real listener, raw request paths never reach git unchecked and never answer 500', async () => {
    const { s, calls } = sources();
    const details = new ServerDetails(s);
    listener = await startHttpServer('127.0.0.1', 0, {
      ready: () => true,
      status: () => {
        throw new Error('not asked');
      },
      onWebhook: () => undefined,
      webhookSecret: null,
      serverDetail: (seg) => details.answer(seg),
      metrics: createDaemonMetrics(),
      log: createLogger({ level: 'silent' }),
    });
    const port = listener.port;
    const get = (path: string): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end();
      });
    // Raw bytes a client may send (http.request refuses control characters and spaces itself).
    const rawSegment = fc.oneof(
      segment.map((x) => x.replace(/[^\x21-\x7e]/gu, (c) => percentBytes(c))),
      fc.string({ unit: fc.constantFrom(...'abc.-/%2e5fF0?#;'), maxLength: 20 }),
    );
    await fc.assert(
      fc.asyncProperty(rawSegment, async (raw) => {
        const code = await get(`/api/servers/${raw}`);
        expect([200, 400, 404]).toContain(code);
      }),
      { numRuns: 150 },
    );
    for (const call of calls) expect(KNOWN).toContain(call.serviceName);
  }, 60_000);
});

/** `c`'s UTF-8 bytes, percent-encoded (a lone surrogate becomes U+FFFD's bytes). */
function percentBytes(c: string): string {
  return [...Buffer.from(c, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
}

describe('server details: no secret value in the answer (safety: secrets never reach the UI)', () => {
  it('whatever a spec holds in {file} contents and {env} references, the answer has no secret value', async () => {
    const secret = fc.string({ minLength: 12, maxLength: 40 }).map((x) => `S3CR3T-${x}`);
    await fc.assert(
      fc.asyncProperty(secret, secret, fc.boolean(), async (content, envValue, changed) => {
        const name = KNOWN[0]!;
        const base = spec(name);
        const withSecrets = spec(name, {
          operatingSystem: changed ? 'ubuntu2404-server_64' : 'debian12_64',
          customizations: {
            hostname: { kind: 'literal', value: 'h.example.com' },
            postInstallationScript: { kind: 'file', path: 'scripts/x.sh', content, sha256: 'ab'.repeat(32) },
            httpHeaders: { kind: 'literal', value: { Authorization: { kind: 'env', name: 'IMAGE_TOKEN' } } },
          },
        });
        const plan: Plan = makePlan(
          input({
            specs: [withSecrets],
            observed: new Map([[name, observed()]]),
            applied: new Map([[name, record(name, base)]]),
          }),
        );
        const { s } = sources({ plan: () => plan });
        const answer = await new ServerDetails(s).answer(name);
        expect(answer.code).toBe(200);
        const json = JSON.stringify(answer);
        expect(json).toContain('postInstallationScript');
        expect(json).not.toContain(content);
        expect(json).not.toContain(envValue);
      }),
      { numRuns: 200 },
    );
  });
});

describe('server details: cache and failures', () => {
  it('opening the view again costs no git read until a head moves; concurrent opens share one read', async () => {
    const { s, calls, heads } = sources();
    const details = new ServerDetails(s);
    const first = await Promise.all(Array.from({ length: 20 }, () => details.answer('web-1')));
    for (let i = 0; i < 30; i++) await details.answer('web-1');
    expect(calls).toHaveLength(1);
    expect(first.every((a) => a.code === 200)).toBe(true);
    heads.status = 'd'.repeat(40);
    await details.answer('web-1');
    await details.answer('web-1');
    expect(calls).toHaveLength(2);
    expect(calls[1]!.options).toEqual({ specRev: SPEC_HEAD, statusRev: 'd'.repeat(40) });
    expect(calls[1]!.paths).toEqual(['servers/web-1.yaml']);
  });

  it('keeps at most 20,000 history entries in all, dropping the least recently asked', async () => {
    const { s } = sources();
    const long = Array.from({ length: 12_000 }, () => ENTRIES[0]!);
    const asked: string[] = [];
    const details = new ServerDetails({
      ...s,
      git: {
        ...s.git,
        history: (serviceName) => {
          asked.push(serviceName);
          return Promise.resolve(serviceName === 'web-1' ? ENTRIES : long);
        },
      },
    });
    await details.answer('web-1');
    await details.answer('ns1.ip-1-2-3.eu');
    await details.answer('web-1');
    expect(asked).toEqual(['web-1', 'ns1.ip-1-2-3.eu']);
    await details.answer('A9.b-c'); // 24,001 entries: the least recently asked (ns1) goes
    await details.answer('web-1');
    await details.answer('ns1.ip-1-2-3.eu');
    expect(asked).toEqual(['web-1', 'ns1.ip-1-2-3.eu', 'A9.b-c', 'ns1.ip-1-2-3.eu']);
  });

  it('a git failure answers 503 with a plain message, logs the details and is not cached', async () => {
    const lines: string[] = [];
    const log = createLogger(
      { level: 'info' },
      new Writable({
        write: (chunk: Buffer, _e, done) => {
          lines.push(chunk.toString('utf8'));
          done();
        },
      }),
    );
    let fail = true;
    const { s } = sources({ log });
    const details = new ServerDetails({
      ...s,
      git: {
        ...s.git,
        history: async (...args) => {
          if (fail)
            throw new FleetError('git-command-failed', 'git log failed: fatal: bad object at /state/repo');
          return s.git.history(...args);
        },
      },
    });
    const failed = await details.answer('web-1');
    expect(failed).toEqual({
      code: 503,
      error: "the history could not be read from git (git-command-failed); the daemon's log says why",
    });
    expect(lines.join('')).toContain('bad object');
    fail = false;
    expect((await details.answer('web-1')).code).toBe(200);
  });

  it('answers 503 before the first fetch and 404 for a name neither recorded nor planned', async () => {
    const { s, calls } = sources({ specHead: () => null });
    expect((await new ServerDetails(s).answer('web-1')).code).toBe(503);
    expect((await new ServerDetails(s).answer('web-2')).code).toBe(404);
    expect(calls).toHaveLength(0);
  });
});
