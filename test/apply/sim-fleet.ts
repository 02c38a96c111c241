/** A fleet of reinstalls against the simulator: shared by the faults and duplicate-post tests. */
import type { RunningSimulator } from '../../src/sim/index.js';
import type { ServerSpec } from '../../src/specs/types.js';
import { entry, makeSpec, planOf } from './helpers.js';

const TARGETS = /^(debian12_64|ubuntu2404-server_64|alma9_64|rocky9_64|debian13_64)$/;

/** One reinstall per server of the account, to a compatible OS other than the installed one. */
export function reinstallEverything(sim: RunningSimulator) {
  const specs: ServerSpec[] = [];
  for (const s of sim.control.account()) {
    const os = s.compatibleTemplates.ovh.find((t) => TARGETS.test(t) && t !== s.server.os);
    if (os) specs.push(makeSpec(s.server.name, os));
  }
  const plan = planOf(
    specs.map((s) =>
      entry(s.serviceName, 'reinstall', 'spec-changed', { to: { operatingSystem: s.operatingSystem } }),
    ),
  );
  return { specs, plan };
}
