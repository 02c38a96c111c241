/**
 * What the specs declare per server, for the dashboard (/api/status `declared`): the operating
 * system and the labels, never anything else of a spec (customizations may name secrets and
 * files). Kept by the daemon from each cycle's fleet; the same object while nothing changed, so
 * that the event stream sends it only when it did (src/daemon/ui/live-events.ts).
 */
import type { FleetRepository } from '../../specs/types.js';

/** One server's declared OS and labels. */
export interface DeclaredSpec {
  operatingSystem: string;
  labels: Record<string, string>;
}

/** Declared specs by service name. */
export type DeclaredSpecs = Readonly<Record<string, DeclaredSpec>>;

/** Keeps the last fleet's declared specs, replacing the object only when their content changes. */
export class DeclaredMemo {
  private key = '';
  current: DeclaredSpecs = {};

  /** Takes a cycle's fleet. */
  take(specs: FleetRepository['specs']): void {
    const next: Record<string, DeclaredSpec> = {};
    for (const s of specs)
      next[s.serviceName] = { operatingSystem: s.operatingSystem, labels: { ...s.labels } };
    const key = JSON.stringify(next);
    if (key === this.key) return;
    this.key = key;
    this.current = next;
  }
}
