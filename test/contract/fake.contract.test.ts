/** The OvhApi contract against the in-memory fake the executor's tests use (test/support/fake-ovh-api.ts). */
import { VirtualClock } from '../../src/core/virtual-clock.js';
import { FakeOvhApi } from '../support/fake-ovh-api.js';
import { defineOvhApiContract } from './ovh-api-contract.js';

defineOvhApiContract('in-memory fake', async () => {
  const clock = new VirtualClock();
  const api = new FakeOvhApi(clock);
  let count = 0;
  return {
    api,
    freshServer: async () => {
      const serviceName = `ns${100_000 + count++}.ip-192-0-2.eu`;
      api.addServer(serviceName, {
        os: 'debian11_64',
        compatible: ['debian11_64', 'debian12_64', 'ubuntu2404-server_64'],
      });
      return {
        serviceName,
        os: 'debian11_64',
        compatible: 'debian12_64',
        incompatible: 'win2025core-std_64',
        ended: 'debian11_64',
      };
    },
    advance: (ms) => clock.advance(ms),
    startForeignTask: async (serviceName, os, outcome) => {
      if (outcome !== 'done')
        api.servers.get(serviceName)!.failWith = {
          status: outcome,
          comment: 'Could not download image: 404 Not Found',
        };
      return api.startForeignTask(serviceName, os);
    },
    withLostReinstallAnswers: async (act) => {
      api.postFaults = ['after'];
      try {
        return await act();
      } finally {
        api.postFaults = [];
      }
    },
    close: async () => undefined,
  };
});
