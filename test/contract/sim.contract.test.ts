/**
 * The OvhApi contract against the simulator, through the real adapter and the official client over
 * HTTPS. The simulator runs at speed 1 (a reinstall takes 665 s of its clock) so that the real time
 * a test takes moves no task; the contract's world advances the simulator's clock instead.
 */
import { startSimulator } from '../../src/sim/index.js';
import { simApi } from '../support/sim-api.js';
import { defineOvhApiContract, type ContractServer } from './ovh-api-contract.js';

/** Preferred targets: Linux templates whose inputs include `hostname`. */
const TARGETS = ['debian12_64', 'ubuntu2404-server_64', 'debian13_64'];
/** Ended 30 days before the simulator's clock (docs/simulator.md). */
const ENDED = 'debian11_64';

defineOvhApiContract('simulator through the real client', async () => {
  const sim = await startSimulator({ servers: 40, seed: 1, speed: 1 });
  const api = simApi(sim);
  const catalog = (await api.listTemplateInfos()).map((t) => t.templateName);
  const used = new Set<string>();
  return {
    api,
    freshServer: async (): Promise<ContractServer> => {
      const account = sim.control.account();
      const known = (os: string): boolean => catalog.includes(os);
      const pick =
        account.find(
          (s) =>
            !used.has(s.server.name) &&
            known(s.server.os) &&
            catalog.some((t) => !s.compatibleTemplates.ovh.includes(t)),
        ) ?? account.find((s) => !used.has(s.server.name) && known(s.server.os));
      if (!pick) throw new Error('the simulator has no server left for the contract');
      used.add(pick.server.name);
      const ovh = pick.compatibleTemplates.ovh;
      const compatible = TARGETS.find((t) => t !== pick.server.os && ovh.includes(t))!;
      let incompatible = catalog.find((t) => !ovh.includes(t));
      if (!incompatible) {
        // This server's hardware accepts the whole catalog: narrow its list out of band.
        incompatible = ['proxmox8_64', 'win2025core-std_64'].find((t) => t !== pick.server.os)!;
        sim.control.updateServer(pick.server.name, {
          compatibleTemplates: ovh.filter((t) => t !== incompatible),
        });
      }
      return { serviceName: pick.server.name, os: pick.server.os, compatible, incompatible, ended: ENDED };
    },
    advance: async (ms) => {
      sim.control.advanceClock(ms);
    },
    startForeignTask: async (serviceName, operatingSystem, outcome) =>
      sim.control.startForeignTask(serviceName, { operatingSystem, outcome }),
    withLostReinstallAnswers: async (act) => {
      sim.control.setFaults({ lostReinstallAnswers: 1 });
      try {
        return await act();
      } finally {
        sim.control.setFaults({ lostReinstallAnswers: 0 });
      }
    },
    close: () => sim.close(),
  };
});
