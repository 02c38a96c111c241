import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FleetError } from '../../src/core/errors.js';
import { FaultInjector } from '../../src/sim/faults.js';
import { parseFaultSpec, startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { call, serverName } from './sim-client.js';

describe('fault injection over HTTPS', () => {
  let sim: RunningSimulator;
  beforeEach(async () => {
    // Start at the beginning of a minute so a rate-limit window never ends mid-test.
    sim = await startSimulator({ servers: 6, startTime: Math.floor(Date.now() / 60_000) * 60_000 });
  });
  afterEach(() => sim.close());

  it('answers 429 with Retry-After past the per-consumer-key limit', async () => {
    sim.control.setFaults({ rateLimitPerMinute: 3 });

    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await call(sim, 'GET', '/dedicated/server'));
    const other = await call(sim, 'GET', '/dedicated/server', {
      consumerKey: sim.credentials.readOnlyConsumerKey,
    });

    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(Number(answers[3]?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(answers[3]?.body).toMatchObject({
      message: expect.stringMatching(/requests per minute/) as string,
    });
    expect(other.status).toBe(200);
  });

  it('lets requests through again in the next minute window', async () => {
    sim.control.setFaults({ rateLimitPerMinute: 1 });
    await call(sim, 'GET', '/dedicated/server');
    expect((await call(sim, 'GET', '/dedicated/server')).status).toBe(429);

    sim.control.advanceClock(60_000);

    expect((await call(sim, 'GET', '/dedicated/server')).status).toBe(200);
  });

  it('answers 5xx before a reinstall takes effect by default', async () => {
    const sn = serverName(sim, 0);
    sim.control.setFaults({ errorRate: 1 });

    const post = await call(sim, 'POST', `/dedicated/server/${sn}/reinstall`, {
      body: { operatingSystem: 'debian12_64' },
    });
    sim.control.setFaults({ errorRate: 0 });
    const tasks = await call(sim, 'GET', `/dedicated/server/${sn}/task`);

    expect([500, 503]).toContain(post.status);
    expect((post.body as { class: string }).class).toMatch(/^Server::/);
    expect(tasks.body).toEqual([]);
  });

  it('creates the task and still answers 500 with ambiguousWrites', async () => {
    const sn = serverName(sim, 0);
    sim.control.setFaults({ errorRate: 1, ambiguousWrites: true });

    const post = await call(sim, 'POST', `/dedicated/server/${sn}/reinstall`, {
      body: { operatingSystem: 'debian12_64' },
    });
    sim.control.setFaults({ errorRate: 0 });
    const tasks = await call(sim, 'GET', `/dedicated/server/${sn}/task`);

    expect(post.status).toBeGreaterThanOrEqual(500);
    expect(tasks.body).toHaveLength(1);
  });

  it('drops the connection without an answer, after the write with ambiguousWrites', async () => {
    const sn = serverName(sim, 0);
    sim.control.setFaults({ dropRate: 1, ambiguousWrites: true });

    const post = call(sim, 'POST', `/dedicated/server/${sn}/reinstall`, {
      body: { operatingSystem: 'debian12_64' },
    });
    await expect(post).rejects.toThrow(/socket hang up|ECONNRESET/);
    sim.control.setFaults({ dropRate: 0 });
    const tasks = await call(sim, 'GET', `/dedicated/server/${sn}/task`);

    expect(tasks.body).toHaveLength(1);
    expect(sim.control.requests().find((r) => r.method === 'POST')?.status).toBe(0);
  });

  it('drops GETs too', async () => {
    sim.control.setFaults({ dropRate: 1 });

    await expect(call(sim, 'GET', '/dedicated/server')).rejects.toThrow(/socket hang up|ECONNRESET/);
  });

  it('sets faults through POST /_sim/faults and refuses unknown ones', async () => {
    const set = await call(sim, 'POST', '/_sim/faults', { body: { errorRate: 0.5, latencyMs: 1 } });
    const bad = await call(sim, 'POST', '/_sim/faults', { body: { meteor: 1 } });

    expect(set.body).toMatchObject({ errorRate: 0.5, latencyMs: 1, dropRate: 0 });
    expect(bad.status).toBe(400);
  });

  it('still serves with added latency', async () => {
    sim.control.setFaults({ latencyMs: 20, latencyJitterMs: 10 });

    const res = await call(sim, 'GET', '/dedicated/server');

    expect(res.status).toBe(200);
  });
});

describe('FaultInjector', () => {
  it('draws latency within [latencyMs, latencyMs + jitter)', () => {
    const faults = new FaultInjector(1, { latencyMs: 50, latencyJitterMs: 20 });

    const draws = Array.from({ length: 200 }, () => faults.drawLatency());

    expect(Math.min(...draws)).toBeGreaterThanOrEqual(50);
    expect(Math.max(...draws)).toBeLessThan(70);
    expect(new Set(draws).size).toBeGreaterThan(5);
  });

  it('draws the same faults for the same seed and others for another seed', () => {
    const draw = (seed: number): string[] => {
      const faults = new FaultInjector(seed, { errorRate: 0.3, dropRate: 0.2 });
      return Array.from({ length: 50 }, () => faults.drawFailure().kind);
    };

    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    expect(draw(7)).toContain('drop');
    expect(draw(7)).toContain('error');
  });
});

describe('parseFaultSpec', () => {
  it.each([
    ['rateLimitPerMinute=60,errorRate=0.1', { rateLimitPerMinute: 60, errorRate: 0.1 }],
    ['{"dropRate":0.05,"ambiguousWrites":true}', { dropRate: 0.05, ambiguousWrites: true }],
    ['ambiguousWrites=true', { ambiguousWrites: true }],
    ['', {}],
  ])('parses %s', (spec, expected) => {
    expect(parseFaultSpec(spec)).toEqual(expected);
  });

  it.each(['meteor=1', 'errorRate=2', 'errorRate', '{bad json', 'latencyMs=-1'])('refuses %s', (spec) => {
    expect(() => parseFaultSpec(spec)).toThrow(FleetError);
  });
});
