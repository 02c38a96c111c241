/**
 * The servers where the background sweep found a running task (src/daemon/task-sweep.ts): the next
 * cycle observes them one by one, and a server leaves the set only once a cycle observed it. A
 * server whose own reads failed (a 429 after the retries, a network error) stays, so the next
 * cycle asks again instead of reusing a cached observation that says no task runs.
 */

/** Forgets the servers of `asked` that this cycle observed; the others stay in `found`. */
export function settleSweepFound(
  found: Set<string>,
  asked: ReadonlySet<string>,
  observed: ReadonlyMap<string, unknown>,
): void {
  for (const name of asked) if (observed.has(name)) found.delete(name);
}
