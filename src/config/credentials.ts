/**
 * OVHcloud credentials and endpoint, from the environment and from systemd's
 * $CREDENTIALS_DIRECTORY (files named like the variables, lower case with dashes:
 * `ovh-application-secret`, ...; a file wins over the variable; a trailing newline is trimmed).
 * `readCredentials` is pure; `loadCredentials` is the thin shell that reads the files.
 * Error messages name variables, never values.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { configError } from '../core/errors.js';
import { parseEndpoint, type OvhEndpoint } from './endpoints.js';

/** How requests are authenticated. */
export type OvhAuth =
  | { kind: 'application'; applicationKey: string; applicationSecret: string; consumerKey: string }
  | { kind: 'oauth2'; clientId: string; clientSecret: string };

/** A complete, consistent credential set. */
export interface OvhCredentials {
  endpoint: OvhEndpoint;
  auth: OvhAuth;
  /**
   * An extra CA certificate to trust: a path (OVH_CA_FILE) or, from the credentials directory,
   * the credential file `ovh-ca-file` itself, which holds the PEM.
   */
  caFile: string | null;
  /** Identifies the request budget: one per consumer key or OAuth2 client. Secret: never log it. */
  budgetKey: string;
}

/** The variables read, in the order they are documented. */
export const CREDENTIAL_VARIABLES = [
  'OVH_ENDPOINT',
  'OVH_APPLICATION_KEY',
  'OVH_APPLICATION_SECRET',
  'OVH_CONSUMER_KEY',
  'OVH_CLIENT_ID',
  'OVH_CLIENT_SECRET',
  'OVH_CA_FILE',
] as const;

/** One of CREDENTIAL_VARIABLES. */
export type CredentialVariable = (typeof CREDENTIAL_VARIABLES)[number];

/** `OVH_APPLICATION_SECRET` -> `ovh-application-secret`, the credential file name. */
export function credentialFileName(variable: CredentialVariable): string {
  return variable.toLowerCase().replace(/_/g, '-');
}

const APPLICATION_SET = ['OVH_APPLICATION_KEY', 'OVH_APPLICATION_SECRET', 'OVH_CONSUMER_KEY'] as const;
const OAUTH2_SET = ['OVH_CLIENT_ID', 'OVH_CLIENT_SECRET'] as const;

function describe(variable: CredentialVariable): string {
  return `${variable} (or the credential file ${credentialFileName(variable)})`;
}

/**
 * Resolves the credential set from environment variables and credential files (name -> content,
 * already read from $CREDENTIALS_DIRECTORY). `credentialsDirectory` is used only to name the
 * CA file when it comes from there. Throws FleetError credentials-missing, credentials-conflict
 * or endpoint-invalid.
 */
export function readCredentials(
  env: Readonly<Record<string, string | undefined>>,
  credentialsDirFiles: Readonly<Record<string, string>>,
  credentialsDirectory: string | null = null,
): OvhCredentials {
  const fromFile = (variable: CredentialVariable): string | undefined => {
    const content = credentialsDirFiles[credentialFileName(variable)];
    if (content === undefined) return undefined;
    const trimmed = content.replace(/(\r?\n)+$/, '');
    return trimmed === '' ? undefined : trimmed;
  };
  const get = (variable: CredentialVariable): string | undefined => {
    const value = fromFile(variable) ?? env[variable];
    return value === undefined || value === '' ? undefined : value;
  };

  const endpointValue = get('OVH_ENDPOINT') ?? 'ovh-eu';
  const endpoint = parseEndpoint(endpointValue);
  if (typeof endpoint === 'string') {
    const shown = /@/.test(endpointValue) ? 'the given value' : JSON.stringify(endpointValue);
    throw configError('endpoint-invalid', `OVH_ENDPOINT: ${shown} is not usable: ${endpoint}.`);
  }

  const present = (set: readonly CredentialVariable[]): CredentialVariable[] =>
    set.filter((v) => get(v) !== undefined);
  const application = present(APPLICATION_SET);
  const oauth2 = present(OAUTH2_SET);
  if (application.length > 0 && oauth2.length > 0) {
    throw configError(
      'credentials-conflict',
      `both an application key set (${application.join(', ')}) and an OAuth2 client (${oauth2.join(', ')}) are given; keep one.`,
    );
  }
  if (oauth2.length > 0) {
    const missing = OAUTH2_SET.filter((v) => !oauth2.includes(v));
    if (missing.length > 0)
      throw configError(
        'credentials-missing',
        `the OAuth2 client set is incomplete: ${missing.map(describe).join(' and ')} is missing.`,
      );
    if (endpoint.tokenUrl === null) {
      throw configError(
        'credentials-conflict',
        `OAuth2 service accounts (OVH_CLIENT_ID, OVH_CLIENT_SECRET) exist only on ovh-eu, ovh-ca and ovh-us, not on ${endpoint.name ?? endpoint.url}; use an application key set.`,
      );
    }
    const clientId = get('OVH_CLIENT_ID') as string;
    return {
      endpoint,
      auth: { kind: 'oauth2', clientId, clientSecret: get('OVH_CLIENT_SECRET') as string },
      caFile: caFile(),
      budgetKey: `oauth2:${endpoint.url}:${clientId}`,
    };
  }
  if (application.length === 0) {
    throw configError(
      'credentials-missing',
      `no OVHcloud credentials: set ${APPLICATION_SET.join(', ')} (or ${OAUTH2_SET.join(', ')}) in the environment or as files in $CREDENTIALS_DIRECTORY.`,
    );
  }
  const missing = APPLICATION_SET.filter((v) => !application.includes(v));
  if (missing.length > 0) {
    throw configError(
      'credentials-missing',
      `the application key set is incomplete: ${missing.map(describe).join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing.`,
    );
  }
  const consumerKey = get('OVH_CONSUMER_KEY') as string;
  return {
    endpoint,
    auth: {
      kind: 'application',
      applicationKey: get('OVH_APPLICATION_KEY') as string,
      applicationSecret: get('OVH_APPLICATION_SECRET') as string,
      consumerKey,
    },
    caFile: caFile(),
    budgetKey: `application:${endpoint.url}:${consumerKey}`,
  };

  function caFile(): string | null {
    if (
      credentialsDirFiles[credentialFileName('OVH_CA_FILE')] !== undefined &&
      credentialsDirectory !== null
    ) {
      return join(credentialsDirectory, credentialFileName('OVH_CA_FILE'));
    }
    return env.OVH_CA_FILE === undefined || env.OVH_CA_FILE === '' ? null : env.OVH_CA_FILE;
  }
}

/** Credentials plus the PEM text of the extra CA, if any. */
export interface LoadedCredentials extends OvhCredentials {
  caPem: string | null;
}

/**
 * Reads the known credential files from $CREDENTIALS_DIRECTORY (only those names; a missing
 * file is fine), resolves the set, and reads the CA file. Throws FleetError (exit 64).
 */
export async function loadCredentials(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<LoadedCredentials> {
  const directory =
    env.CREDENTIALS_DIRECTORY && env.CREDENTIALS_DIRECTORY !== '' ? env.CREDENTIALS_DIRECTORY : null;
  const files: Record<string, string> = {};
  if (directory !== null) {
    for (const variable of CREDENTIAL_VARIABLES) {
      const name = credentialFileName(variable);
      try {
        files[name] = await readFile(join(directory, name), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
          throw configError(
            'config-invalid',
            `cannot read the credential file ${name} in $CREDENTIALS_DIRECTORY: ${(error as NodeJS.ErrnoException).code ?? 'error'}.`,
          );
        }
      }
    }
  }
  const credentials = readCredentials(env, files, directory);
  return { ...credentials, caPem: credentials.caFile === null ? null : await readCaFile(credentials.caFile) };
}

/** Reads a PEM CA file; FleetError ca-file-unreadable when it cannot be read or holds no certificate. */
export async function readCaFile(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw configError(
      'ca-file-unreadable',
      `OVH_CA_FILE ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
    );
  }
  if (!/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(text)) {
    throw configError('ca-file-unreadable', `OVH_CA_FILE ${path} holds no PEM certificate.`);
  }
  return text;
}
