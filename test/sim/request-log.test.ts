import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestLog } from '../../src/sim/request-log.js';
import { startSimulator, type RunningSimulator, type SimRequestRecord } from '../../src/sim/index.js';
import { call, serverName } from './sim-client.js';

describe('request log', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ servers: 6 });
  });
  afterAll(() => sim.close());

  it('records every API request with method, path, body, status and consumer key, not /_sim/', async () => {
    sim.control.clearRequests();
    const sn = serverName(sim, 0);

    await call(sim, 'GET', '/auth/time', { consumerKey: null });
    await call(sim, 'GET', `/dedicated/server/${sn}/task?function=reinstallServer`, { prefix: '/v1' });
    await call(sim, 'POST', `/dedicated/server/${sn}/reinstall`, { body: { operatingSystem: 'plan9_64' } });
    await call(sim, 'GET', '/_sim/requests');
    const records = sim.control.requests();

    expect(
      records.map(({ method, path, body, status, consumerKey }) => ({
        method,
        path,
        body,
        status,
        consumerKey,
      })),
    ).toEqual([
      { method: 'GET', path: '/auth/time', body: null, status: 200, consumerKey: null },
      {
        method: 'GET',
        path: `/dedicated/server/${sn}/task?function=reinstallServer`,
        body: null,
        status: 200,
        consumerKey: sim.credentials.consumerKey,
      },
      {
        method: 'POST',
        path: `/dedicated/server/${sn}/reinstall`,
        body: { operatingSystem: 'plan9_64' },
        status: 404,
        consumerKey: sim.credentials.consumerKey,
      },
    ]);
    expect(records[0]?.time).toBeTypeOf('number');
  });

  it('serves the log over GET /_sim/requests and clears it with DELETE', async () => {
    await call(sim, 'GET', '/auth/time', { consumerKey: null });

    const listed = await call(sim, 'GET', '/_sim/requests');
    await call(sim, 'DELETE', '/_sim/requests');
    const after = await call(sim, 'GET', '/_sim/requests');

    expect((listed.body as SimRequestRecord[]).length).toBeGreaterThan(0);
    expect(after.body).toEqual([]);
  });
});

describe('RequestLog', () => {
  const record = (i: number): SimRequestRecord => ({
    time: i,
    method: 'GET',
    path: `/${i}`,
    body: null,
    status: 200,
    consumerKey: null,
    queryId: `q${i}`,
  });

  it('keeps only the newest records past its capacity, oldest first', () => {
    const log = new RequestLog(3);

    for (let i = 1; i <= 5; i++) log.add(record(i));

    expect(log.list().map((r) => r.time)).toEqual([3, 4, 5]);
    expect(log.length).toBe(3);
  });
});
