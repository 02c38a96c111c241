/**
 * What `ovh-fleet status` says of the request budget and the background sweep, computed from
 * fleet.yaml and the number of spec files, so that it works without the daemon: the limit, each
 * priority's share, and the longest time a reinstall task started outside ovh-fleet can go unseen
 * (src/daemon/sweep-schedule.ts), with and without expanded task lists. The running daemon's
 * /api/status gives the measured figure (docs/operations.md#the-background-sweep).
 */
import type { Diagnostic } from '../core/diagnostic.js';
import {
  CALLS_PER_CHECK_EXPANDED,
  CALLS_PER_CHECK_FALLBACK,
  sweepRate,
  type SweepRate,
} from '../daemon/sweep-schedule.js';
import { DEFAULT_SHARES, type BudgetShares } from '../ovh/request-budget.js';
import { listFleetFiles } from '../specs/list-files.js';
import { readFleetBudget } from './fleet-budget.js';

/** The daemon's default schedule (a cycle every 2 minutes): the "+ one cycle" of the estimate. */
export const DEFAULT_CYCLE_SECONDS = 120;
/** Servers per page of the expanded server list: what one quiet cycle costs per 5,000 servers. */
const SERVERS_PER_PAGE = 5_000;

/** The budget and sweep part of `status`. */
export interface StatusBudget {
  requestsPerMinute: number;
  steadyStateShare: number;
  source: 'fleet.yaml' | 'default';
  shares: BudgetShares;
  sweep: {
    servers: number;
    cycleSeconds: number;
    /** Calls per minute a quiet cycle is assumed to spend (the expanded server list's pages). */
    reservedPerMinute: number;
    expanded: SweepRate;
    fallback: SweepRate;
  };
}

/** Reads fleet.yaml and counts the spec files under `root`. */
export async function readStatusBudget(root: string): Promise<StatusBudget> {
  const { api, source } = readFleetBudget(root);
  const ignored: Diagnostic[] = [];
  const servers = (await listFleetFiles(root, ignored)).serverFiles.length;
  return statusBudgetOf(api.requestsPerMinute, api.steadyStateShare, source, servers);
}

/** Pure: the budget and sweep figures for a fleet of `servers` managed servers. */
export function statusBudgetOf(
  requestsPerMinute: number,
  steadyStateShare: number,
  source: StatusBudget['source'],
  servers: number,
  cycleSeconds = DEFAULT_CYCLE_SECONDS,
): StatusBudget {
  const reservedPerMinute = servers === 0 ? 0 : Math.ceil(servers / SERVERS_PER_PAGE) * (60 / cycleSeconds);
  const common = { servers, requestsPerMinute, steadyStateShare, reservedPerMinute, cycleSeconds };
  return {
    requestsPerMinute,
    steadyStateShare,
    source,
    shares: { ...DEFAULT_SHARES, background: steadyStateShare },
    sweep: {
      servers,
      cycleSeconds,
      reservedPerMinute,
      expanded: sweepRate({ ...common, callsPerCheck: CALLS_PER_CHECK_EXPANDED }),
      fallback: sweepRate({ ...common, callsPerCheck: CALLS_PER_CHECK_FALLBACK }),
    },
  };
}

/** The text lines of `status` for the budget and the sweep. */
export function statusBudgetLines(b: StatusBudget): string[] {
  const percent = (share: number): string => `${Math.round(share * 100)}%`;
  const background = b.requestsPerMinute * b.steadyStateShare;
  const unseen = (r: SweepRate): string =>
    r.maxUnseenSeconds === null ? 'never by the sweep (no budget left)' : formatDuration(r.maxUnseenSeconds);
  return [
    `Request budget: ${b.requestsPerMinute} requests/min (${b.source}); follow at most ${percent(b.shares.follow)}, background and the daemon's steady state at most ${percent(b.steadyStateShare)} (${round(background)}/min)`,
    `Background sweep: ${b.sweep.servers} managed servers; a reinstall started outside ovh-fleet is seen within ${unseen(b.sweep.expanded)} (expanded task lists) or ${unseen(b.sweep.fallback)} (without), at the default schedule`,
  ];
}

/** `5 h 35 min`, `12 min`, `40 s`. */
export function formatDuration(seconds: number): string {
  const s = Math.ceil(seconds);
  if (s < 60) return `${s} s`;
  const minutes = Math.ceil(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

function round(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
