/**
 * The servers where the background sweep found a running task (src/daemon/task-sweep.ts): the next
 * cycle observes them one by one, and a server leaves the set only once a cycle observed it. A
 * server whose own reads failed (a 429 after the retries, a network error) stays, so the next
 * cycle asks again instead of reusing a cached observation that says no task runs. A server that
 * left the fleet (no spec, no status record) is forgotten too: no cycle will observe it again.
 */

/**
 * Forgets the servers of `asked` that this cycle observed or that are no longer in the fleet;
 * the others stay in `found`.
 */
export function settleSweepFound(
  found: Set<string>,
  asked: ReadonlySet<string>,
  observed: ReadonlyMap<string, unknown>,
  inFleet: (serviceName: string) => boolean,
): void {
  for (const name of asked) if (observed.has(name) || !inFleet(name)) found.delete(name);
}
