/**
 * A GitLab REST API stand-in on 127.0.0.1:0 for commit statuses, checking every request against
 * GitLab's documented fields (https://docs.gitlab.com/api/commits/#set-the-pipeline-status-of-a-commit):
 * `POST /api/v4/projects/:id/statuses/:sha` with `state` (required: pending, running, success,
 * failed, canceled, skipped) and the optional `ref`, `name` (alias `context`), `target_url`,
 * `description`, `coverage`, `pipeline_id`; a token in `PRIVATE-TOKEN` or `Authorization: Bearer`.
 * Like GitLab, it refuses to set the state a status already has (400 "Cannot transition status").
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A status as the fake keeps it. */
export interface FakeGitlabStatus {
  project: string;
  sha: string;
  name: string;
  state: string;
  description?: string;
  target_url?: string;
}

const STATES = new Set(['pending', 'running', 'success', 'failed', 'canceled', 'skipped']);
const FIELDS = new Set([
  'state',
  'ref',
  'name',
  'context',
  'target_url',
  'description',
  'coverage',
  'pipeline_id',
]);
/** What GitLab calls each transition, for its refusal message. */
const EVENT: Record<string, string> = {
  pending: 'enqueue',
  running: 'run',
  success: 'succeed',
  failed: 'drop',
};

/** The fake GitLab API. */
export class GitlabApiFake {
  readonly statuses: FakeGitlabStatus[] = [];
  readonly violations: string[] = [];
  /** Tokens seen (to check rotation); the fake is the only place they are kept. */
  readonly tokens: string[] = [];
  failWith: number | null = null;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<GitlabApiFake> {
    let fake: GitlabApiFake | null = null;
    const server = createServer((req, res) => void fake!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake = new GitlabApiFake(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The current status of NAME on SHA. */
  current(sha: string, name: string): FakeGitlabStatus | undefined {
    return this.statuses.filter((s) => s.sha === sha && s.name === name).at(-1);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (this.failWith !== null) return send(this.failWith, { message: 'unavailable' });
    const url = new URL(req.url ?? '/', this.url);
    const m = /^\/api\/v4\/projects\/([^/]+)\/statuses\/([0-9a-f]{7,64})$/.exec(url.pathname);
    if (req.method !== 'POST' || !m) {
      this.violations.push(`${req.method} ${url.pathname}: not the commit-status endpoint`);
      return send(404, { message: '404 Not Found' });
    }
    const token = req.headers['private-token'] ?? /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (typeof token !== 'string' || token === '') {
      this.violations.push('no token');
      return send(401, { message: '401 Unauthorized' });
    }
    this.tokens.push(token);
    let body: Record<string, unknown>;
    try {
      const text = Buffer.concat(chunks).toString('utf8');
      body = (req.headers['content-type'] ?? '').includes('json')
        ? (JSON.parse(text) as Record<string, unknown>)
        : Object.fromEntries(new URLSearchParams(text));
    } catch {
      this.violations.push('the body is neither JSON nor a form');
      return send(400, { message: 'bad body' });
    }
    const problems = Object.keys(body)
      .filter((k) => !FIELDS.has(k))
      .map((k) => `unknown field ${k}`);
    if (!STATES.has(String(body.state)))
      problems.push(`state ${JSON.stringify(body.state)} is not one of GitLab's`);
    for (const k of ['name', 'context', 'target_url', 'description', 'ref']) {
      if (body[k] !== undefined && typeof body[k] !== 'string') problems.push(`${k} is not a string`);
    }
    if (problems.length > 0) {
      this.violations.push(problems.join('; '));
      return send(400, { message: problems.join('; ') });
    }
    const project = decodeURIComponent(m[1]!);
    const sha = m[2]!;
    const name = String(body.name ?? body.context ?? 'default');
    const state = String(body.state);
    const before = this.current(sha, name);
    if (before && before.state === state) {
      return send(400, { message: `Cannot transition status via :${EVENT[state] ?? state} from :${state}` });
    }
    const status: FakeGitlabStatus = {
      project,
      sha,
      name,
      state,
      ...(typeof body.description === 'string' ? { description: body.description } : {}),
      ...(typeof body.target_url === 'string' ? { target_url: body.target_url } : {}),
    };
    this.statuses.push(status);
    return send(201, { id: this.statuses.length, ref: null, status: state, ...status });
  }
}
