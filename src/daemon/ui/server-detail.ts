/**
 * `GET /api/servers/<serviceName>`: what the dashboard's Server view adds to a status record — the
 * server's entry in the last plan and its attempt history from git, exactly as `ovh-fleet history`
 * computes it (src/git/history.ts), as entries and as the rendered text (docs/dashboard.md).
 *
 * - The name must pass {@link isServiceName} and name a server the daemon knows (a status record or
 *   a plan entry) before anything reaches git: 400 or 404 otherwise.
 * - History is read by commit ids only (the spec head of the last fetch, the status branch's head),
 *   never from the working tree, so a cycle that fetches or resets the clone meanwhile cannot change
 *   what is read (see daemon.ts for which clone object runs it).
 * - Answers are cached per (server, spec head, status head, spec files): opening the view again
 *   costs no git work until a commit moved one of them. The cache is bounded by histories and by
 *   entries in all. Failures are not cached.
 * - A git failure answers 503 with a plain message (logged with its details), never a stack trace.
 */
import type { ServerResponse } from 'node:http';
import { FleetError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { isServiceName } from '../../core/service-name.js';
import type { GitRepo, HistoryEntry } from '../../git/git-repo.js';
import { renderHistory } from '../../git/history.js';
import type { Plan, PlanServer } from '../../plan/types.js';
import type { StatusRecord } from '../../records/types.js';
import { UI_SECURITY_HEADERS } from './ui-headers.js';

/** The path prefix of the route. */
export const SERVER_DETAIL_PREFIX = '/api/servers/';

/** Histories kept in memory (most recently asked for), and their entries in all (bounds the memory). */
const CACHE_SIZE = 256;
const CACHE_ENTRIES = 20_000;

/** The body of a 200 answer. */
export interface ServerDetail {
  serviceName: string;
  /** The commits the history was read at: the spec head of the last fetch, the status branch's head. */
  revisions: { spec: string; status: string };
  /** The plan the entry comes from; null when no cycle planned yet. */
  plan: { revision: string; generatedAt: string } | null;
  /** The server's entry in the last plan; null when the plan has none (or there is no plan). */
  planEntry: PlanServer | null;
  /** `ovh-fleet history`: the entries (oldest first) and the text the command prints. */
  history: { entries: HistoryEntry[]; text: string };
}

/** What the route answers: a detail, or an error with its HTTP code. */
export type ServerDetailAnswer = { code: 200; body: ServerDetail } | { code: 400 | 404 | 503; error: string };

/** What the details are read from (daemon.ts wires them). */
export interface ServerDetailSources {
  /** Runs `history` (read by commit ids) and knows the status branch's head. */
  git: Pick<GitRepo, 'history' | 'statusHead'>;
  /** The fleet's folder inside the clone, `''` or `path/` (spec files are relative to the fleet). */
  prefix: string;
  /** The spec branch head of the last cycle that fetched; null before the first. */
  specHead(): string | null;
  record(serviceName: string): StatusRecord | undefined;
  /** The plan of the last cycle that planned. */
  plan(): Plan | null;
  log: Logger;
}

/** Answers `/api/servers/<name>` from the sources, with a cache of histories. */
export class ServerDetails {
  private readonly cache = new Map<string, { reading: Promise<ServerDetail['history']>; size: number }>();
  /** Entries of the histories read so far that are still in the cache. */
  private cachedEntries = 0;
  private readonly entries = new WeakMap<Plan, Map<string, PlanServer>>();

  constructor(private readonly s: ServerDetailSources) {}

  /** The answer for the raw (still percent-encoded) path segment after {@link SERVER_DETAIL_PREFIX}. */
  async answer(segment: string): Promise<ServerDetailAnswer> {
    const serviceName = decodeSegment(segment);
    if (serviceName === null || !isServiceName(serviceName)) return { code: 400, error: 'not a server name' };
    const record = this.s.record(serviceName);
    const plan = this.s.plan();
    const planEntry = plan ? (this.entryOf(plan, serviceName) ?? null) : null;
    if (!record && !planEntry) return { code: 404, error: `no server ${serviceName} in the fleet status` };
    const spec = this.s.specHead();
    if (spec === null) return { code: 503, error: 'no cycle has read the repository yet; try again shortly' };
    const file = planEntry ? planEntry.file : (record?.spec?.file ?? null);
    const specPaths = file === null ? [] : [`${this.s.prefix}${file}`];
    try {
      const status = (await this.s.git.statusHead()) ?? spec;
      const history = await this.historyOf(serviceName, specPaths, spec, status);
      return {
        code: 200,
        body: {
          serviceName,
          revisions: { spec, status },
          plan: plan ? { revision: plan.revision, generatedAt: plan.generatedAt } : null,
          planEntry,
          history,
        },
      };
    } catch (error) {
      this.s.log.warn({ err: error, serviceName }, 'server history could not be read from git');
      const code = error instanceof FleetError ? ` (${error.code})` : '';
      return {
        code: 503,
        error: `the history could not be read from git${code}; the daemon's log says why`,
      };
    }
  }

  private historyOf(
    serviceName: string,
    specPaths: string[],
    specRev: string,
    statusRev: string,
  ): Promise<ServerDetail['history']> {
    const key = [serviceName, specRev, statusRev, ...specPaths].join('\n');
    const known = this.cache.get(key);
    if (known) {
      // Most recently used last.
      this.cache.delete(key);
      this.cache.set(key, known);
      return known.reading;
    }
    const reading = this.s.git
      .history(serviceName, () => specPaths, { specRev, statusRev })
      .then((entries) => {
        if (this.cache.get(key) === slot) {
          slot.size = entries.length;
          this.cachedEntries += entries.length;
          this.trim();
        }
        return { entries, text: renderHistory(serviceName, entries) };
      });
    const slot = { reading, size: 0 };
    this.cache.set(key, slot);
    reading.catch(() => {
      if (this.cache.get(key) === slot) this.cache.delete(key);
    });
    this.trim();
    return reading;
  }

  /** Drops the least recently asked histories beyond the bounds (the newest one always stays). */
  private trim(): void {
    while (this.cache.size > CACHE_SIZE || (this.cachedEntries > CACHE_ENTRIES && this.cache.size > 1)) {
      const [oldest, slot] = this.cache.entries().next().value!;
      this.cache.delete(oldest);
      this.cachedEntries -= slot.size;
    }
  }

  private entryOf(plan: Plan, serviceName: string): PlanServer | undefined {
    let byName = this.entries.get(plan);
    if (!byName) {
      byName = new Map();
      for (const e of plan.servers) if (e.serviceName !== null) byName.set(e.serviceName, e);
      this.entries.set(plan, byName);
    }
    return byName.get(serviceName);
  }
}

/** The segment percent-decoded; null when it is not one segment or does not decode. */
function decodeSegment(segment: string): string | null {
  if (segment.includes('/')) return null;
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** Writes an answer with the dashboard's headers (HEAD: no body). */
export function sendServerDetail(res: ServerResponse, answer: ServerDetailAnswer, head: boolean): void {
  const body = `${JSON.stringify(answer.code === 200 ? answer.body : { error: answer.error })}\n`;
  res.writeHead(answer.code, {
    ...UI_SECURITY_HEADERS,
    'content-type': 'application/json',
    'cache-control': 'no-store',
    ...(answer.code === 503 ? { 'retry-after': '10' } : {}),
  });
  res.end(head ? undefined : body);
}
