/**
 * The OVHcloud API v1 routes the simulator serves (paths without the /1.0 prefix). Each handler
 * takes the parsed request and returns a status and a JSON body, or throws SimHttpError.
 * Unknown paths answer 404 "Got an invalid (or empty) URL" and a known path with another method
 * 405 "The call does not answer to the X HTTP method" (texts reported by a third party, API-NOTES §5.2).
 * The two list routes marked `x-expanded-response` also answer full objects when asked with
 * `X-Pagination-Mode: CachedObjectList-Pages` (expanded-routes.ts).
 */
import type { TaskStatus } from '../ovh/types.js';
import { buildCatalog } from './catalog.js';
import { classError, SimHttpError } from './error-templates.js';
import { asExpandedObject } from './expanded-listing.js';
import { answerExpanded, type ExpandedContext } from './expanded-routes.js';
import { SERVER_MODEL, TASK_MODEL, type HeaderReader } from './expanded-query.js';
import { checkReinstall } from './reinstall.js';
import type { SimState } from './sim-state.js';
import { installProgress, taskJson, taskResponseJson, viewTask } from './tasks.js';
import type { SimServer, SimTask } from './types.js';

/** A parsed API request. */
export interface ApiRequest {
  method: string;
  /** Path without prefix and query, e.g. `/dedicated/server/ns1.ip-1-2-3.eu`. */
  path: string;
  query: URLSearchParams;
  body: unknown;
  /** Request headers by lower-case name. */
  header: HeaderReader;
  /** X-Ovh-Consumer, null when absent. */
  consumerKey: string | null;
}

/** A successful answer. */
export interface ApiAnswer {
  status: number;
  body: unknown;
  /** Extra answer headers (the `X-Pagination-*` of an expanded listing). */
  headers?: Record<string, string>;
}

/** What handlers may use. */
export interface RouteContext {
  state: SimState;
  taskFailureRate: () => number;
  /** See FaultConfig.taskListLagMs; absent = no lag. */
  taskListLagMs?: () => number;
  /** Expanded listing: the cached object lists and their settings. */
  expanded: ExpandedContext;
}

type Handler = (ctx: RouteContext, req: ApiRequest, params: string[]) => ApiAnswer;

interface Route {
  pattern: RegExp;
  methods: Partial<Record<string, Handler>>;
  /** Routes that need no signature. */
  public?: boolean;
}

const SN = '([^/]+)';

function ok(body: unknown): ApiAnswer {
  return { status: 200, body };
}

function serverOf(ctx: RouteContext, serviceName: string): SimServer {
  const server = ctx.state.server(serviceName);
  if (!server) {
    throw classError(
      404,
      'Client::NotFound',
      `The requested object (serviceName = ${serviceName}) does not exist`,
    );
  }
  return server;
}

const WRITABLE = [
  'bootId',
  'bootScript',
  'efiBootloaderPath',
  'monitoring',
  'noIntervention',
  'rescueMail',
  'rescueSshKey',
  'rootDevice',
  'state',
];

const ROUTES: Route[] = [
  {
    pattern: /^\/auth\/time$/,
    public: true,
    methods: { GET: (ctx) => ok(Math.floor(ctx.state.now() / 1000)) },
  },
  {
    pattern: /^\/dedicated\/installationTemplate$/,
    public: true,
    methods: { GET: (ctx) => ok(buildCatalog(ctx.state.now()).templates.map((t) => t.templateName)) },
  },
  {
    pattern: /^\/dedicated\/installationTemplate\/templateInfos$/,
    public: true,
    methods: { GET: (ctx) => ok(buildCatalog(ctx.state.now()).infos) },
  },
  {
    pattern: /^\/dedicated\/installationTemplate\/([^/]+)$/,
    public: true,
    methods: {
      GET: (ctx, _req, [name]) => {
        const template = buildCatalog(ctx.state.now()).templates.find((t) => t.templateName === name);
        if (!template)
          throw classError(
            404,
            'Client::NotFound',
            `The requested object (templateName = ${name}) does not exist`,
          );
        return ok(template);
      },
    },
  },
  {
    pattern: /^\/dedicated\/server$/,
    methods: {
      GET: (ctx, req) =>
        answerExpanded(
          ctx.expanded,
          { header: req.header, consumerKey: req.consumerKey, listPath: req.path },
          ctx.state.now(),
          SERVER_MODEL,
          // A shallow copy freezes the snapshot: the model replaces nested values, never mutates them.
          () =>
            ctx.state
              .serviceNames()
              .map((name) => asExpandedObject({ ...(ctx.state.server(name) as SimServer).server })),
        ) ?? ok(ctx.state.serviceNames()),
    },
  },
  {
    pattern: new RegExp(`^/dedicated/server/${SN}$`),
    methods: {
      GET: (ctx, _req, [sn]) => ok(serverOf(ctx, sn as string).server),
      PUT: (ctx, req, [sn]) => {
        serverOf(ctx, sn as string);
        const body = req.body;
        if (typeof body !== 'object' || body === null || Array.isArray(body)) {
          throw classError(
            400,
            'Client::BadRequest',
            'Invalid JSON received: the body must be a JSON object',
          );
        }
        const patch = Object.fromEntries(Object.entries(body).filter(([k]) => WRITABLE.includes(k)));
        ctx.state.updateServer(sn as string, patch);
        return ok(null);
      },
    },
  },
  {
    pattern: new RegExp(`^/dedicated/server/${SN}/install/compatibleTemplates$`),
    methods: { GET: (ctx, _req, [sn]) => ok(serverOf(ctx, sn as string).compatibleTemplates) },
  },
  {
    pattern: new RegExp(`^/dedicated/server/${SN}/specifications/hardware$`),
    methods: { GET: (ctx, _req, [sn]) => ok(serverOf(ctx, sn as string).hardware) },
  },
  {
    pattern: new RegExp(`^/dedicated/server/${SN}/install/hardwareRaidProfile$`),
    methods: {
      GET: (ctx, _req, [sn]) => {
        const groups = serverOf(ctx, sn as string).hardware.diskGroups.filter((g) => g.raidController);
        if (groups.length === 0)
          throw new SimHttpError(403, { message: 'Hardware RAID is not supported by this server' });
        return ok({
          controllers: groups.map((g) => ({
            type: 'raid',
            model: g.raidController,
            disks: [
              {
                names: Array.from({ length: g.numberOfDisks }, (_, i) => `disk${i}`),
                type: g.diskType,
                capacity: g.diskSize,
                speed: { unit: 'Gbps', value: 6 },
                diskGroupId: g.diskGroupId,
              },
            ],
          })),
        });
      },
    },
  },
  {
    pattern: new RegExp(`^/dedicated/server/${SN}/reinstall$`),
    methods: {
      POST: (ctx, req, [sn]) => {
        const server = serverOf(ctx, sn as string);
        const error = checkReinstall(ctx.state, server, req.body);
        if (error) throw error;
        const task = ctx.state.createTask(server.server.name, req.body as never, ctx.taskFailureRate());
        return ok(taskResponseJson(task));
      },
    },
  },
  {
    pattern: new RegExp(`^/dedicated/server/${SN}/install/status$`),
    methods: {
      GET: (ctx, _req, [sn]) => {
        serverOf(ctx, sn as string);
        const task = ctx.state.latestTask(sn as string);
        const progress = task ? installProgress(task, ctx.state.now()) : null;
        if (!progress)
          throw new SimHttpError(404, {
            message: 'Server is not being installed or reinstalled at the moment',
          });
        return ok(progress);
      },
    },
  },
  {
    pattern: new RegExp(`^/dedicated/server/${SN}/task$`),
    methods: {
      GET: (ctx, req, [sn]) => {
        serverOf(ctx, sn as string);
        const fn = req.query.get('function');
        const status = req.query.get('status') as TaskStatus | null;
        const now = ctx.state.now();
        const lag = ctx.taskListLagMs?.() ?? 0;
        const listed = (): SimTask[] => ctx.state.tasks(sn as string).filter((t) => now - t.createdAt >= lag);
        const expanded = answerExpanded(
          ctx.expanded,
          { header: req.header, consumerKey: req.consumerKey, listPath: req.path },
          now,
          TASK_MODEL,
          () => listed().map((t) => asExpandedObject(taskJson(t, now))),
          (o) => (fn === null || o['function'] === fn) && (status === null || o['status'] === status),
        );
        if (expanded) return expanded;
        return ok(
          listed()
            .filter(
              (t) =>
                (fn === null || t.function === fn) && (status === null || viewTask(t, now).status === status),
            )
            .map((t) => t.taskId),
        );
      },
    },
  },
  {
    pattern: new RegExp(`^/dedicated/server/${SN}/task/(\\d+)$`),
    methods: {
      GET: (ctx, _req, [sn, id]) => {
        serverOf(ctx, sn as string);
        const task = ctx.state.task(sn as string, Number(id));
        if (!task)
          throw classError(404, 'Client::NotFound', `The requested object (taskId = ${id}) does not exist`);
        return ok(taskJson(task, ctx.state.now()));
      },
    },
  },
  {
    pattern: new RegExp(`^/dedicated/server/${SN}/task/(\\d+)/cancel$`),
    methods: {
      POST: (ctx, _req, [sn, id]) => {
        serverOf(ctx, sn as string);
        const task = ctx.state.task(sn as string, Number(id));
        if (!task)
          throw classError(404, 'Client::NotFound', `The requested object (taskId = ${id}) does not exist`);
        // Whether a reinstall can be cancelled is not confirmed (API-NOTES §10.10): the simulator refuses.
        throw classError(403, 'Client::Forbidden', 'This task cannot be cancelled');
      },
    },
  },
];

/** The route matching `path`, with its captured (decoded) parameters. */
export function matchRoute(path: string): { route: Route; params: string[] } | null {
  for (const route of ROUTES) {
    const m = route.pattern.exec(path);
    if (m) return { route, params: m.slice(1).map((p) => decodeURIComponent(p)) };
  }
  return null;
}

/** Whether the request needs no signature (catalog and /auth/time). */
export function isPublicRoute(method: string, path: string): boolean {
  const match = matchRoute(path);
  return Boolean(match?.route.public && method === 'GET');
}

/** Whether the request is a reinstall post (subject to `ambiguousWrites`). */
export function isReinstallPost(method: string, path: string): boolean {
  return method === 'POST' && /^\/dedicated\/server\/[^/]+\/reinstall$/.test(path);
}

/** Serves one API request; throws SimHttpError for error answers. */
export function handleApi(ctx: RouteContext, req: ApiRequest): ApiAnswer {
  const match = matchRoute(req.path);
  if (!match) throw classError(404, 'Client::NotFound', 'Got an invalid (or empty) URL');
  const handler = match.route.methods[req.method];
  if (!handler) {
    throw classError(
      405,
      'Client::MethodNotAllowed',
      `The call does not answer to the ${req.method} HTTP method`,
    );
  }
  return handler(ctx, req, match.params);
}
