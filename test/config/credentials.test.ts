/** Credentials and endpoint: environment vs $CREDENTIALS_DIRECTORY, OAuth2, conflicts, URL endpoints. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCredentials, readCredentials } from '../../src/config/credentials.js';
import { FleetError } from '../../src/core/errors.js';

const APP = {
  OVH_APPLICATION_KEY: 'ak-env',
  OVH_APPLICATION_SECRET: 'as-env-SECRET',
  OVH_CONSUMER_KEY: 'ck-env-SECRET',
};

function failure(fn: () => unknown): FleetError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(FleetError);
    return error as FleetError;
  }
  throw new Error('expected a FleetError');
}

describe('readCredentials', () => {
  it('reads an application key set from the environment, on ovh-eu by default', () => {
    const credentials = readCredentials(APP, {});

    expect(credentials.auth).toEqual({
      kind: 'application',
      applicationKey: 'ak-env',
      applicationSecret: 'as-env-SECRET',
      consumerKey: 'ck-env-SECRET',
    });
    expect(credentials.endpoint).toMatchObject({
      name: 'ovh-eu',
      host: 'eu.api.ovh.com',
      port: 443,
      basePath: '/1.0',
    });
    expect(credentials.caFile).toBeNull();
  });

  it('lets credential files win over the environment, trimming the trailing newline', () => {
    const credentials = readCredentials(APP, {
      'ovh-application-secret': 'as-file\n',
      'ovh-consumer-key': 'ck-file\r\n',
    });

    expect(credentials.auth).toMatchObject({
      applicationKey: 'ak-env',
      applicationSecret: 'as-file',
      consumerKey: 'ck-file',
    });
  });

  it('reads an OAuth2 service account', () => {
    const credentials = readCredentials(
      { OVH_ENDPOINT: 'ovh-ca' },
      { 'ovh-client-id': 'id\n', 'ovh-client-secret': 'sec\n' },
    );

    expect(credentials.auth).toEqual({ kind: 'oauth2', clientId: 'id', clientSecret: 'sec' });
    expect(credentials.endpoint.tokenUrl).toBe('https://ca.ovh.com/auth/');
  });

  it.each([
    { env: 'ovh-eu', host: 'eu.api.ovh.com', port: 443, basePath: '/1.0' },
    { env: 'ovh-us', host: 'api.us.ovhcloud.com', port: 443, basePath: '/1.0' },
    { env: 'kimsufi-ca', host: 'ca.api.kimsufi.com', port: 443, basePath: '/1.0' },
    { env: 'soyoustart-eu', host: 'eu.api.soyoustart.com', port: 443, basePath: '/1.0' },
    { env: 'https://127.0.0.1:8443/1.0', host: '127.0.0.1', port: 8443, basePath: '/1.0' },
    { env: 'https://127.0.0.1:8443/1.0/', host: '127.0.0.1', port: 8443, basePath: '/1.0' },
    { env: 'https://api.example.net/v1', host: 'api.example.net', port: 443, basePath: '/v1' },
    { env: 'https://127.0.0.1:9000', host: '127.0.0.1', port: 9000, basePath: '/1.0' },
  ])('maps OVH_ENDPOINT=$env to host/port/basePath', ({ env, host, port, basePath }) => {
    expect(readCredentials({ ...APP, OVH_ENDPOINT: env }, {}).endpoint).toMatchObject({
      host,
      port,
      basePath,
    });
  });

  it.each([
    {
      name: 'nothing at all',
      env: {},
      files: {},
      code: 'credentials-missing',
      mentions: ['OVH_APPLICATION_KEY', 'OVH_CLIENT_ID'],
    },
    {
      name: 'no consumer key',
      env: { OVH_APPLICATION_KEY: 'a', OVH_APPLICATION_SECRET: 's' },
      files: {},
      code: 'credentials-missing',
      mentions: ['OVH_CONSUMER_KEY'],
    },
    {
      name: 'only a secret file',
      env: {},
      files: { 'ovh-application-secret': 's' },
      code: 'credentials-missing',
      mentions: ['OVH_APPLICATION_KEY', 'OVH_CONSUMER_KEY'],
    },
    {
      name: 'client id without secret',
      env: { OVH_CLIENT_ID: 'id' },
      files: {},
      code: 'credentials-missing',
      mentions: ['OVH_CLIENT_SECRET'],
    },
    {
      name: 'an empty file counts as missing',
      env: { OVH_APPLICATION_KEY: 'a', OVH_APPLICATION_SECRET: 's' },
      files: { 'ovh-consumer-key': '\n' },
      code: 'credentials-missing',
      mentions: ['OVH_CONSUMER_KEY'],
    },
    {
      name: 'both sets',
      env: { ...APP, OVH_CLIENT_ID: 'id', OVH_CLIENT_SECRET: 'cs' },
      files: {},
      code: 'credentials-conflict',
      mentions: ['OVH_CLIENT_ID', 'OVH_APPLICATION_KEY'],
    },
    {
      name: 'a file of the other set',
      env: APP,
      files: { 'ovh-client-secret': 'cs' },
      code: 'credentials-conflict',
      mentions: ['OVH_CLIENT_SECRET'],
    },
    {
      name: 'OAuth2 on kimsufi',
      env: { OVH_ENDPOINT: 'kimsufi-eu', OVH_CLIENT_ID: 'id', OVH_CLIENT_SECRET: 'cs' },
      files: {},
      code: 'credentials-conflict',
      mentions: ['kimsufi-eu'],
    },
    {
      name: 'unknown endpoint name',
      env: { ...APP, OVH_ENDPOINT: 'ovh-moon' },
      files: {},
      code: 'endpoint-invalid',
      mentions: ['ovh-moon'],
    },
    {
      name: 'http URL',
      env: { ...APP, OVH_ENDPOINT: 'http://127.0.0.1:8080/1.0' },
      files: {},
      code: 'endpoint-invalid',
      mentions: ['https'],
    },
    {
      name: 'URL with credentials',
      env: { ...APP, OVH_ENDPOINT: 'https://u:SECRETPW@h/1.0' },
      files: {},
      code: 'endpoint-invalid',
      mentions: ['credentials'],
    },
  ])('refuses $name with $code', ({ env, files, code, mentions }) => {
    const error = failure(() => readCredentials(env, files as Record<string, string>));

    expect(error.code).toBe(code);
    expect(error.exitCode).toBe(64);
    for (const word of mentions) expect(error.message).toContain(word);
    for (const secret of ['as-env-SECRET', 'ck-env-SECRET', 'SECRETPW', '"s"', 'cs'])
      expect(error.message).not.toContain(secret);
  });

  it('keys the request budget by consumer key or client id and endpoint', () => {
    const a = readCredentials(APP, {}).budgetKey;
    const b = readCredentials({ ...APP, OVH_CONSUMER_KEY: 'other' }, {}).budgetKey;

    expect(a).not.toBe(b);
  });
});

describe('loadCredentials', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ovh-fleet-cred-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads $CREDENTIALS_DIRECTORY files and a CA given as the credential ovh-ca-file', async () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    await writeFile(join(dir, 'ovh-consumer-key'), 'ck-file\n');
    await writeFile(join(dir, 'ovh-ca-file'), pem);

    const credentials = await loadCredentials({ ...APP, CREDENTIALS_DIRECTORY: dir });

    expect(credentials.auth).toMatchObject({ consumerKey: 'ck-file' });
    expect(credentials.caFile).toBe(join(dir, 'ovh-ca-file'));
    expect(credentials.caPem).toBe(pem);
  });

  it.each([
    { name: 'missing', content: null },
    { name: 'not PEM', content: 'hello' },
  ])('refuses an OVH_CA_FILE that is $name', async ({ content }) => {
    const path = join(dir, 'ca.pem');
    if (content !== null) await writeFile(path, content);

    const error = await loadCredentials({ ...APP, OVH_CA_FILE: path }).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'ca-file-unreadable', exitCode: 64 });
  });
});
