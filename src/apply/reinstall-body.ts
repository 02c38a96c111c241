/**
 * Turns a server spec into exactly the body of `POST /dedicated/server/{serviceName}/reinstall`
 * (dedicated.server.Reinstall). `{file}` references carry their content; `{env}` secrets are read
 * from the given environment NOW, at apply time. The body is the only place a secret's value goes:
 * a blocked result names missing variables, never values.
 */
import type { ReinstallBody } from '../ovh/types.js';
import type { CustomizationValue, EnvRef, FileRef, ServerSpec } from '../specs/types.js';

/** Customizations whose `{file}` content OVHcloud expects base64-encoded (API-NOTES §3.4, DESIGN §1.1). */
export const BASE64_FILE_FIELDS: ReadonlySet<string> = new Set([
  'postInstallationScript',
  'configDriveUserData',
]);

/** The environment secrets are read from: `process.env` in the CLI, a plain object in tests. */
export type SecretEnv = Readonly<Record<string, string | undefined>>;

/** Either the body to send, or why this server cannot be reinstalled now. */
export type ReinstallBodyResult =
  | { ok: true; body: ReinstallBody }
  | {
      ok: false;
      code: 'secret-missing';
      /** Names (never values) of the variables that are unset or empty, sorted. */
      missing: string[];
      message: string;
    };

type BodyValue = string | number | boolean | Record<string, string>;

/**
 * Builds the reinstall body of `spec`. A variable that is unset or empty counts as missing (an
 * empty secret is always a mistake) and blocks the server with `secret-missing`.
 */
export function buildReinstallBody(spec: ServerSpec, env: SecretEnv): ReinstallBodyResult {
  const missing = new Set<string>();
  const customizations: Record<string, BodyValue> = {};
  for (const [name, value] of Object.entries(spec.customizations)) {
    customizations[name] = resolveValue(name, value, env, missing);
  }
  if (missing.size > 0) {
    const names = [...missing].sort();
    return {
      ok: false,
      code: 'secret-missing',
      missing: names,
      message: `environment variable${names.length > 1 ? 's' : ''} ${names.join(', ')} not set (needed by ${spec.file})`,
    };
  }
  const body: ReinstallBody = { operatingSystem: spec.operatingSystem };
  if (Object.keys(customizations).length > 0) body.customizations = customizations;
  if (spec.storage !== undefined) body.storage = structuredClone(spec.storage);
  return { ok: true, body };
}

function resolveValue(
  name: string,
  value: CustomizationValue,
  env: SecretEnv,
  missing: Set<string>,
): BodyValue {
  switch (value.kind) {
    case 'file':
      return fileText(name, value);
    case 'env':
      return envText(value, env, missing);
    case 'literal': {
      const literal = value.value;
      if (typeof literal !== 'object') return literal;
      // keyValue inputs (httpHeaders, configDriveMetadata): every entry resolved the same way.
      const map: Record<string, string> = {};
      for (const [key, entry] of Object.entries(literal)) {
        if (typeof entry === 'string') map[key] = entry;
        else if (entry.kind === 'file') map[key] = entry.content;
        else map[key] = envText(entry, env, missing);
      }
      return map;
    }
  }
}

function fileText(name: string, ref: FileRef): string {
  return BASE64_FILE_FIELDS.has(name) ? Buffer.from(ref.content, 'utf8').toString('base64') : ref.content;
}

function envText(ref: EnvRef, env: SecretEnv, missing: Set<string>): string {
  const value = env[ref.name];
  if (value === undefined || value === '') {
    missing.add(ref.name);
    return '';
  }
  return value;
}
