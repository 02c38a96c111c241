// The dashboard's state (docs/dashboard.md): the snapshot of /api/events with each update laid
// over it, as the daemon sends them. Views subscribe and are told at most once per frame.

export const PHASES = [
  'reinstalling',
  'verifying',
  'pending',
  'failed',
  'unhealthy',
  'drifted',
  'invalid',
  'unknown',
  'ready',
  'unmanaged',
];

export class Store {
  constructor() {
    /** The status without its servers and plan (ready, head, lastCycle, budget...). */
    this.summary = null;
    /** The current plan (src/daemon/ui/dashboard-plan.ts), null before any; a new object when it changed. */
    this.plan = null;
    /** Records by service name. */
    this.servers = new Map();
    /** Records sorted by name, rebuilt lazily after a change. */
    this.sortedCache = null;
    /** Bumped at each change: views skip work when it did not move. */
    this.version = 0;
    /**
     * The last cycles seen live, newest last: the timeline's fallback when the status carries no
     * `cycles` (the daemon's own timeline, see timeline()).
     */
    this.cycles = [];
    this.listeners = new Set();
    this.frame = 0;
  }

  subscribe(listener) {
    this.listeners.add(listener);
  }

  snapshot(status) {
    const { servers, plan, ...summary } = status;
    this.summary = summary;
    this.plan = plan ?? null;
    this.servers = new Map(servers.map((r) => [r.serviceName, r]));
    this.noteCycle(summary.lastCycle);
    this.changed();
  }

  update(update) {
    const { servers, removed, kinds: _kinds, plan, ...summary } = update;
    // `declared`, `cycles` and `plan` come only when they changed.
    this.summary = { declared: this.summary?.declared, cycles: this.summary?.cycles, ...summary };
    if (plan !== undefined) this.plan = plan;
    for (const r of servers) this.servers.set(r.serviceName, r);
    for (const name of removed) this.servers.delete(name);
    this.noteCycle(summary.lastCycle);
    this.changed();
  }

  /**
   * What the spec of a server declares ({operatingSystem, labels}), or null. Own keys only: a
   * server may be called `constructor` or `toString` (valid service names).
   */
  declared(name) {
    const declared = this.summary?.declared;
    return declared && Object.hasOwn(declared, name) ? declared[name] : null;
  }

  /** The last cycles, oldest first: the daemon's timeline, else the cycles this page saw. */
  timeline() {
    return this.summary?.cycles ?? this.cycles;
  }

  /** Records sorted by name. */
  sorted() {
    this.sortedCache ??= [...this.servers.values()].sort((a, b) =>
      a.serviceName < b.serviceName ? -1 : a.serviceName > b.serviceName ? 1 : 0,
    );
    return this.sortedCache;
  }

  noteCycle(cycle) {
    if (!cycle || this.cycles.at(-1)?.id === cycle.id) return;
    this.cycles.push(cycle);
    if (this.cycles.length > 20) this.cycles.shift();
  }

  changed() {
    this.version++;
    this.sortedCache = null;
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      for (const listener of this.listeners) listener(this);
    });
  }
}
