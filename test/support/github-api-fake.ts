/**
 * A GitHub REST API stand-in on 127.0.0.1:0 that checks every request against GitHub's published
 * REST description (`@octokit/openapi`, api.github.com.json): the operation exists for the method
 * and path, the path and query parameters and the JSON body match their schemas, and a token is
 * sent. A request that does not conform is answered 422 and listed in `violations`. It keeps the
 * commit statuses and check runs it was given, answering in the shapes of the description.
 */
import { createRequire } from 'node:module';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: object;
  'x-multi-segment'?: boolean;
}
interface Operation {
  operationId: string;
  parameters?: (Parameter | { $ref: string })[];
  requestBody?: { required?: boolean; content: { 'application/json'?: { schema: object } } };
}
interface Description {
  paths: Record<string, Record<string, Operation>>;
  components: { parameters: Record<string, Parameter> };
}

/** One request as the fake saw it (the token is kept out). */
export interface GithubRequest {
  method: string;
  path: string;
  operationId: string;
  body: Record<string, unknown>;
}

/** A check run as the fake keeps it. */
export interface FakeCheckRun {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  details_url?: string;
  output?: { title?: string; summary?: string };
}

let loaded: Description | null = null;
function description(): Description {
  loaded ??= createRequire(import.meta.url)('@octokit/openapi/generated/api.github.com.json') as Description;
  return loaded;
}

/** The operations the fake serves: the Statuses and Checks APIs. */
const SERVED = new Set([
  'repos/create-commit-status',
  'checks/create',
  'checks/update',
  'checks/list-for-ref',
  'repos/list-commit-statuses-for-ref',
]);

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  op: Operation;
  params: Parameter[];
  body: ValidateFunction | null;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function routes(ajv: Ajv): Route[] {
  const doc = description();
  const out: Route[] = [];
  for (const [template, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (!SERVED.has(op.operationId)) continue;
      const params = (op.parameters ?? []).map((p) =>
        '$ref' in p ? doc.components.parameters[p.$ref.split('/').pop()!]! : p,
      );
      const names: string[] = [];
      const source = template
        .split(/(\{[^}]+\})/)
        .map((part) => {
          const m = /^\{(.+)\}$/.exec(part);
          if (!m) return escapeRegExp(part);
          names.push(m[1]!);
          const multi = params.find((p) => p.name === m[1])?.['x-multi-segment'];
          return multi ? '(.+)' : '([^/]+)';
        })
        .join('');
      const schema = op.requestBody?.content['application/json']?.schema;
      out.push({
        method: method.toUpperCase(),
        pattern: new RegExp(`^${source}$`),
        names,
        op,
        params,
        body: schema ? ajv.compile(rebase(schema)) : null,
      });
    }
  }
  return out;
}

/** The schema with its `#/components/...` references pointing into the description added to ajv. */
function rebase(schema: object): object {
  return JSON.parse(JSON.stringify(schema), (key, value: unknown) =>
    key === '$ref' && typeof value === 'string' && value.startsWith('#/') ? `github${value}` : value,
  ) as object;
}

function coerce(value: string, schema: { type?: string } | undefined): unknown {
  if (schema?.type === 'integer' || schema?.type === 'number')
    return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  if (schema?.type === 'boolean') return value === 'true' ? true : value === 'false' ? false : value;
  return value;
}

/** The fake GitHub API. */
export class GithubApiFake {
  readonly requests: GithubRequest[] = [];
  readonly violations: string[] = [];
  readonly statuses: {
    sha: string;
    state: string;
    context: string;
    description?: string;
    target_url?: string;
  }[] = [];
  readonly checkRuns: FakeCheckRun[] = [];
  /** Answer every request with this HTTP status instead (e.g. 502 while "down"). */
  failWith: number | null = null;
  private readonly routes: Route[];

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly ajv: Ajv,
  ) {
    this.routes = routes(ajv);
  }

  static async start(): Promise<GithubApiFake> {
    const ajv = new Ajv({ strict: false, validateSchema: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addFormat('int64', { type: 'number', validate: Number.isSafeInteger });
    ajv.addSchema({ $id: 'github', components: description().components });
    let fake: GithubApiFake | null = null;
    const server = createServer((req, res) => void fake!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    fake = new GithubApiFake(server, `http://127.0.0.1:${port}`, ajv);
    return fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (this.failWith !== null) return send(this.failWith, { message: 'unavailable' });
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    const problems: string[] = [];
    const route = this.routes.find((r) => r.method === method && r.pattern.test(url.pathname));
    if (!route) {
      this.violations.push(`${method} ${url.pathname}: no such operation in GitHub's REST description`);
      return send(404, { message: 'Not Found' });
    }
    if (!/^(token|bearer) \S+$/i.test(req.headers.authorization ?? '')) problems.push('no token sent');
    const values = route.pattern.exec(url.pathname)!.slice(1).map(decodeURIComponent);
    const path = Object.fromEntries(route.names.map((n, i) => [n, values[i]!]));
    for (const p of route.params) {
      const raw =
        p.in === 'path' ? path[p.name] : p.in === 'query' ? url.searchParams.get(p.name) : undefined;
      if (raw === undefined || raw === null) {
        if (p.required && p.in !== 'header') problems.push(`${p.in} parameter ${p.name} is required`);
        continue;
      }
      const validate = this.ajv.compile(p.schema ?? {});
      if (!validate(coerce(raw, p.schema as { type?: string })))
        problems.push(`${p.in} parameter ${p.name}: ${JSON.stringify(validate.errors)}`);
    }
    for (const name of url.searchParams.keys()) {
      if (!route.params.some((p) => p.in === 'query' && p.name === name))
        problems.push(`unknown query parameter ${name}`);
    }
    let body: Record<string, unknown> = {};
    if (chunks.length > 0) {
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        problems.push('the body is not JSON');
      }
    }
    if (route.body) {
      if (!route.body(body)) problems.push(`body: ${JSON.stringify(route.body.errors)}`);
    } else if (chunks.length > 0 && method === 'GET') problems.push('a GET with a body');
    this.requests.push({ method, path: url.pathname, operationId: route.op.operationId, body });
    if (problems.length > 0) {
      this.violations.push(`${route.op.operationId}: ${problems.join('; ')}`);
      return send(422, { message: 'Validation Failed', errors: problems });
    }
    return this.answer(route.op.operationId, path, url, body, send);
  }

  private answer(
    op: string,
    path: Record<string, string>,
    url: URL,
    body: Record<string, unknown>,
    send: (status: number, body: unknown) => void,
  ): void {
    if (op === 'repos/create-commit-status') {
      const status = {
        sha: path.sha!,
        ...(body as { state: string; context: string }),
        context: String(body.context ?? 'default'),
      };
      this.statuses.push(status);
      return send(201, { id: this.statuses.length, url: `${this.url}${url.pathname}`, ...status });
    }
    if (op === 'checks/create') {
      const run: FakeCheckRun = {
        id: this.checkRuns.length + 1,
        name: String(body.name),
        head_sha: String(body.head_sha),
        status: String(body.status ?? 'queued'),
        conclusion: (body.conclusion as string | undefined) ?? null,
        ...(body.details_url ? { details_url: String(body.details_url) } : {}),
        ...(body.output ? { output: body.output as FakeCheckRun['output'] } : {}),
      };
      if (run.conclusion) run.status = 'completed';
      this.checkRuns.push(run);
      return send(201, run);
    }
    if (op === 'checks/update') {
      const run = this.checkRuns.find((r) => r.id === Number(path.check_run_id));
      if (!run) return send(404, { message: 'Not Found' });
      Object.assign(run, body);
      if (run.conclusion) run.status = 'completed';
      return send(200, run);
    }
    if (op === 'checks/list-for-ref') {
      const name = url.searchParams.get('check_name');
      const runs = this.checkRuns
        .filter((r) => r.head_sha === path.ref && (name === null || r.name === name))
        .reverse();
      return send(200, {
        total_count: runs.length,
        check_runs: runs.slice(0, Number(url.searchParams.get('per_page') ?? 30)),
      });
    }
    const list = this.statuses.filter((s) => s.sha === path.ref).reverse();
    return send(200, list);
  }
}
