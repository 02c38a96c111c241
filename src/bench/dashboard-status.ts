/**
 * A synthetic DaemonStatus of N servers for the dashboard bench, shaped like a large fleet in the
 * middle of a rollout: most servers ready, some reinstalling (with a step), verifying, pending,
 * failed or drifted, three operating systems and a few labels each. Nothing in it is secret.
 */
import type { DaemonStatus } from '../daemon/types.js';
import type { DeclaredSpec } from '../daemon/ui/declared.js';
import type { StatusPhase, StatusRecord } from '../records/types.js';

const OSES = ['debian12_64', 'ubuntu2404-server_64', 'rocky9_64'] as const;
const SINCE = '2026-11-01T00:00:00.000Z';

/** `srv-00042.fleet.example`. */
export function syntheticName(i: number): string {
  return `srv-${String(i).padStart(5, '0')}.fleet.example`;
}

function phaseOf(i: number): { phase: StatusPhase; reason: string; message: string } {
  if (i % 100 === 7) return { phase: 'failed', reason: 'install-failed', message: 'task 9 ended in error' };
  if (i % 100 === 13) return { phase: 'reinstalling', reason: 'spec-changed', message: '' };
  if (i % 100 === 21) return { phase: 'verifying', reason: 'in-sync', message: 'health checks run' };
  if (i % 100 === 42)
    return { phase: 'pending', reason: 'outside-window', message: 'waits for the maintenance window' };
  if (i % 250 === 99) return { phase: 'drifted', reason: 'drift', message: 'OVHcloud shows another OS' };
  return { phase: 'ready', reason: 'in-sync', message: '' };
}

function recordOf(i: number): StatusRecord {
  const name = syntheticName(i);
  const os = OSES[i % OSES.length]!;
  const { phase, reason, message } = phaseOf(i);
  return {
    serviceName: name,
    phase,
    reason,
    message,
    since: SINCE,
    spec: { file: `servers/${name}.yaml`, commit: 'c0ffee'.padEnd(40, '0') },
    desiredDigest: `sha256:${String(i).padStart(64, '0')}`,
    observedOs: phase === 'drifted' ? 'centos7_64' : os,
    task:
      phase === 'reinstalling'
        ? {
            id: 1000 + i,
            status: 'doing',
            step: 3,
            steps: 7,
            currentStep: 'Installing the operating system',
            elapsedSeconds: 240,
            startedAt: SINCE,
          }
        : null,
    lastApplied: null,
    lastAttempt: null,
    attempts: [],
    lastError: null,
  };
}

/** The status of `count` synthetic servers, with what each one's spec declares. */
export function syntheticStatus(count: number): DaemonStatus {
  const servers = Array.from({ length: count }, (_, i) => recordOf(i));
  const declared: Record<string, DeclaredSpec> = {};
  for (let i = 0; i < count; i++) {
    declared[syntheticName(i)] = {
      operatingSystem: OSES[i % OSES.length]!,
      labels: { role: i % 3 === 0 ? 'web' : 'db', dc: `dc${i % 4}`, tier: i % 10 === 0 ? 'canary' : 'main' },
    };
  }
  return {
    ready: true,
    head: 'b'.repeat(40),
    block: null,
    lastCycle: null,
    lastGoodCycleAt: null,
    tasksInFlight: servers.filter((r) => r.phase === 'reinstalling').length,
    declared,
    servers,
  };
}
