import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { call, fetchRaw } from './sim-client.js';

describe('simulator authentication', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ servers: 6 });
  });
  afterAll(() => sim.close());

  it.each(['no-port', 'with-port'] as const)('accepts a good signature over the URL %s', async (urlForm) => {
    const res = await call(sim, 'GET', '/dedicated/server', { urlForm });

    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(6);
  });

  it('answers the /v1 alias like /1.0', async () => {
    const res = await call(sim, 'GET', '/dedicated/server', { prefix: '/v1' });

    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(6);
  });

  it.each([
    ['bad signature', { badSignature: true }, 400, 'INVALID_SIGNATURE', 'Invalid signature'],
    [
      'unknown consumer key',
      { consumerKey: 'nope' },
      403,
      'INVALID_CREDENTIAL',
      'This credential is not valid',
    ],
    ['unknown application key', { appKey: 'nope' }, 403, 'INVALID_KEY', 'This application key is invalid'],
    ['wrong application secret', { appSecret: 'nope' }, 400, 'INVALID_SIGNATURE', 'Invalid signature'],
    ['stale timestamp', { timestamp: 1_000_000 }, 400, 'QUERY_TIME_OUT', 'Query out of time'],
  ])('refuses a %s', async (_name, options, status, errorCode, message) => {
    const res = await call(sim, 'GET', '/dedicated/server', options);

    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ errorCode, message });
  });

  it('answers the documented INVALID_SIGNATURE body exactly', async () => {
    const res = await call(sim, 'GET', '/dedicated/server', { badSignature: true });

    expect(res.body).toEqual({
      errorCode: 'INVALID_SIGNATURE',
      httpCode: '400 Bad Request',
      class: 'Client::BadRequest',
      message: 'Invalid signature',
    });
  });

  it('accepts a timestamp within the tolerance', async () => {
    const res = await call(sim, 'GET', '/dedicated/server', {
      timestamp: Math.floor(sim.control.now() / 1000) - 200,
    });

    expect(res.status).toBe(200);
  });

  it('refuses a request without any auth header as an invalid application key', async () => {
    const res = await call(sim, 'GET', '/dedicated/server', { consumerKey: null });

    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ errorCode: 'INVALID_KEY' });
  });

  it('asks for a login when only the application key is sent', async () => {
    const res = await fetchRaw(sim, '/1.0/dedicated/server', { 'X-Ovh-Application': sim.credentials.appKey });

    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ errorCode: 'NOT_AUTHENTICATED', message: 'You must login first' });
  });

  it('refuses anything but GET to the read-only consumer key', async () => {
    const names = (await call(sim, 'GET', '/dedicated/server')).body as string[];
    const ro = sim.credentials.readOnlyConsumerKey;

    const get = await call(sim, 'GET', `/dedicated/server/${names[0]}`, { consumerKey: ro });
    const post = await call(sim, 'POST', `/dedicated/server/${names[0]}/reinstall`, {
      consumerKey: ro,
      body: { operatingSystem: 'debian12_64' },
    });

    expect(get.status).toBe(200);
    expect(post.status).toBe(403);
    expect(post.body).toMatchObject({
      errorCode: 'NOT_GRANTED_CALL',
      message: 'This call has not been granted',
    });
    expect((await call(sim, 'GET', `/dedicated/server/${names[0]}/task`)).body).toEqual([]);
  });

  it.each([
    '/auth/time',
    '/dedicated/installationTemplate',
    '/dedicated/installationTemplate/templateInfos',
    '/dedicated/installationTemplate/debian12_64',
  ])('serves %s without authentication', async (path) => {
    const res = await call(sim, 'GET', path, { consumerKey: null });

    expect(res.status).toBe(200);
  });

  it('gives /auth/time as a bare integer of the sim clock', async () => {
    const res = await call(sim, 'GET', '/auth/time', { consumerKey: null });

    expect(res.body).toBe(Math.floor(sim.control.now() / 1000));
  });

  it('tags every answer with X-Ovh-QueryID, errors included', async () => {
    const good = await call(sim, 'GET', '/auth/time', { consumerKey: null });
    const bad = await call(sim, 'GET', '/dedicated/server', { badSignature: true });

    expect(good.headers['x-ovh-queryid']).toMatch(/^EU\.ext-3\.[0-9a-f]+\.\d+\.[0-9a-f]+$/);
    expect(bad.headers['x-ovh-queryid']).toMatch(/^EU\.ext-3\./);
    expect(bad.headers['x-ovh-queryid']).not.toBe(good.headers['x-ovh-queryid']);
  });

  it('answers 404 for an unknown template and an unknown server', async () => {
    const template = await call(sim, 'GET', '/dedicated/installationTemplate/42', { consumerKey: null });
    const server = await call(sim, 'GET', '/dedicated/server/ns0.example');

    expect(template.status).toBe(404);
    expect(server.status).toBe(404);
    expect(server.body).toMatchObject({ class: 'Client::NotFound' });
  });
});
