/**
 * The adversarial corpus, the other doors: hostile daemon configurations and webhook deliveries.
 * - A configuration is refused with a configuration error (exit 64) that names where it came
 *   from; never another kind of exception, never a crash.
 * - A webhook delivery that is not authentic is refused (4xx), triggers no cycle, and the
 *   listener keeps serving.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDaemonConfig } from '../../src/config/daemon-config.js';
import { EXIT_USAGE, FleetError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { startHttpServer, type HttpListener } from '../../src/daemon/http-server.js';
import { createDaemonMetrics } from '../../src/daemon/metrics.js';
import { githubSignature } from '../../src/daemon/webhook.js';

const URL_OK = { OVH_FLEET_REPOSITORY_URL: '/srv/fleet.git' };
const deep = (n: number): string => '['.repeat(n) + ']'.repeat(n);
const laughs =
  'a: &a [x,x,x,x,x,x,x,x,x]\n' +
  Array.from(
    { length: 9 },
    (_, i) =>
      `l${i}: &l${i} [${Array(9)
        .fill(i === 0 ? '*a' : `*l${i - 1}`)
        .join(',')}]`,
  ).join('\n');

/** [name, configuration text, environment]: each must be refused. */
const CONFIGS: [string, string, Record<string, string>][] = [
  ['an unknown key', 'repositry: {url: /srv/fleet.git}\n', {}],
  ['a url running a command through git ext::', 'repository: {url: "ext::sh -c touch% /tmp/pwned"}\n', {}],
  ['a url that is an option', 'repository: {url: "--upload-pack=touch /tmp/pwned"}\n', {}],
  ['a branch that is an option', 'repository: {url: /srv/f.git, branch: "--force"}\n', {}],
  ['a branch with ..', 'repository: {url: /srv/f.git, branch: "main..evil"}\n', {}],
  ['a status branch with a space', 'repository: {url: /srv/f.git}\nstatus: {branch: "a b"}\n', {}],
  ['a repository path leaving the repository', 'repository: {url: /srv/f.git, path: ../../etc}\n', {}],
  ['an absolute repository path', 'repository: {url: /srv/f.git, path: /etc}\n', {}],
  ['a listen without port', 'listen: 127.0.0.1\n', URL_OK],
  ['a listen port out of range', 'listen: "127.0.0.1:99999"\n', URL_OK],
  ['a garbage schedule', 'schedule: "every minute"\n', URL_OK],
  ['an unknown log level', 'logLevel: verbose\n', URL_OK],
  [
    'a committer email with a newline (trailer injection)',
    'commit: {email: "a@b\\nFleet-Server: x"}\n',
    URL_OK,
  ],
  ['a committer name with angle brackets', 'commit: {name: "x <evil@example.com>"}\n', URL_OK],
  ['nesting 100,000 deep', `x: ${deep(100_000)}\n`, URL_OK],
  ['an alias bomb', `${laughs}\n`, URL_OK],
  ['a sequence at the top', '- a\n- b\n', URL_OK],
  ['a duplicate key', 'logLevel: info\nlogLevel: debug\n', URL_OK],
  ['a value that is a mapping', 'schedule: {a: b}\n', URL_OK],
  ['an environment override with a bad value', '', { ...URL_OK, OVH_FLEET_LISTEN: 'localhost:-1' }],
  ['an environment url that is an option', '', { OVH_FLEET_REPOSITORY_URL: '-uhelp' }],
  ['no repository url at all', 'logLevel: info\n', {}],
];

describe('adversarial corpus: daemon configurations', () => {
  it.each(CONFIGS)('refuses %s', (_name, text, env) => {
    let caught: unknown;

    try {
      parseDaemonConfig(text, env, { file: '/etc/ovh-fleet/config.yaml' });
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(FleetError);
    expect((caught as FleetError).exitCode).toBe(EXIT_USAGE);
    expect((caught as FleetError).message).toMatch(/config\.yaml|OVH_FLEET_|repository\.url/);
  });
});

const SECRET = 'webhook-secret-for-the-corpus';
const BODY = JSON.stringify({ ref: 'refs/heads/main' });
let listener: HttpListener;
let cycles = 0;

beforeAll(async () => {
  listener = await startHttpServer('127.0.0.1', 0, {
    ready: () => true,
    status: () => ({}) as never,
    onWebhook: () => {
      cycles++;
    },
    webhookSecret: SECRET,
    metrics: createDaemonMetrics(),
    log: silentLogger(),
  });
});

afterAll(async () => {
  await listener?.close();
});

function post(
  headers: Record<string, string>,
  body: string | Buffer,
  method = 'POST',
  path = '/hooks/git',
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: listener.port, method, path, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };
const big = Buffer.alloc(1024 * 1024 + 10, 0x20);

/** [name, headers, body, method, path]: none is authentic; each is refused and runs no cycle. */
const DELIVERIES: [string, Record<string, string>, string | Buffer, string?, string?][] = [
  ['no signature', JSON_TYPE, BODY],
  ['a wrong signature', { ...JSON_TYPE, 'x-hub-signature-256': 'sha256=' + '0'.repeat(64) }, BODY],
  [
    'the signature of another body',
    { ...JSON_TYPE, 'x-hub-signature-256': githubSignature(SECRET, '{}') },
    BODY,
  ],
  [
    'an upper-case signature',
    { ...JSON_TYPE, 'x-hub-signature-256': githubSignature(SECRET, BODY).toUpperCase() },
    BODY,
  ],
  [
    'a signature under another secret',
    { ...JSON_TYPE, 'x-hub-signature-256': githubSignature('guess', BODY) },
    BODY,
  ],
  ['only the SHA-1 header', { ...JSON_TYPE, 'x-hub-signature': 'sha1=' + '0'.repeat(40) }, BODY],
  ['an empty signature', { ...JSON_TYPE, 'x-hub-signature-256': '' }, BODY],
  ['a wrong GitLab token', { ...JSON_TYPE, 'x-gitlab-token': 'guess' }, BODY],
  ['an empty GitLab token', { ...JSON_TYPE, 'x-gitlab-token': '' }, BODY],
  ['the secret as a prefix of the token', { ...JSON_TYPE, 'x-gitlab-token': `${SECRET}x` }, BODY],
  [
    'a right token beside a wrong signature',
    { ...JSON_TYPE, 'x-gitlab-token': SECRET, 'x-hub-signature-256': 'sha256=00' },
    BODY,
  ],
  ['a body over 1 MiB', { ...JSON_TYPE, 'x-hub-signature-256': githubSignature(SECRET, big) }, big],
  [
    'a text/plain body',
    { 'content-type': 'text/plain', 'x-hub-signature-256': githubSignature(SECRET, BODY) },
    BODY,
  ],
  ['a GET', { ...JSON_TYPE, 'x-hub-signature-256': githubSignature(SECRET, BODY) }, '', 'GET'],
  [
    'a path with ..',
    { ...JSON_TYPE, 'x-hub-signature-256': githubSignature(SECRET, BODY) },
    BODY,
    'POST',
    '/hooks/../hooks/git/x',
  ],
];

describe('adversarial corpus: webhook deliveries', () => {
  it.each(DELIVERIES)('refuses %s', async (_name, headers, body, method, path) => {
    const before = cycles;

    const status = await post(headers, body, method, path);

    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
    await new Promise((r) => setImmediate(r));
    expect(cycles).toBe(before);
    expect(await post({}, '', 'GET', '/healthz')).toBe(200);
  });

  it('a replayed delivery runs one cycle', async () => {
    const headers = {
      ...JSON_TYPE,
      'x-hub-signature-256': githubSignature(SECRET, BODY),
      'x-github-delivery': 'd-1',
    };
    const before = cycles;

    const first = await post(headers, BODY);
    const again = await post(headers, BODY);
    await new Promise((r) => setTimeout(r, 20));

    expect([first, again]).toEqual([202, 200]);
    expect(cycles).toBe(before + 1);
  });
});
