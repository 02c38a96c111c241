/**
 * Turns a server spec into exactly the body of `POST /dedicated/server/{serviceName}/reinstall`
 * (dedicated.server.Reinstall). `{file}` references carry their content; `{env}` secrets are read
 * NOW, at apply time, from `$CREDENTIALS_DIRECTORY/NAME` or the environment (secret-values.ts),
 * and only when the allow-list allows the name. The body is the only place a secret's value goes:
 * a blocked result names variables, never values.
 */
import type { ReinstallBody } from '../ovh/types.js';
import type { CustomizationValue, EnvRef, FileRef, ServerSpec } from '../specs/types.js';
import { secretRuleFromEnv, type SecretRule } from '../core/secret-rule.js';
import { lookupSecret, type SecretEnv } from './secret-values.js';

export type { SecretEnv };

/** Customizations whose `{file}` content OVHcloud expects base64-encoded (API-NOTES §3.4, DESIGN §1.1). */
export const BASE64_FILE_FIELDS: ReadonlySet<string> = new Set([
  'postInstallationScript',
  'configDriveUserData',
]);

/** Either the body to send, or why this server cannot be reinstalled now. */
export type ReinstallBodyResult =
  | { ok: true; body: ReinstallBody }
  | {
      ok: false;
      code: 'secret-missing' | 'env-not-allowed';
      /** Names (never values) of the variables that are refused, or unset or empty, sorted. */
      missing: string[];
      message: string;
    };

/** Names the executor could not use, by why. */
interface Problems {
  missing: Set<string>;
  refused: Set<string>;
  unreadable: Map<string, string>;
  env: SecretEnv;
  rule: SecretRule;
}

type BodyValue = string | number | boolean | Record<string, string>;

/**
 * Builds the reinstall body of `spec`. A name the allow-list `rule` refuses blocks the server with
 * `env-not-allowed` (it is never looked up). A secret that is unset or empty counts as missing (an
 * empty secret is always a mistake) and blocks the server with `secret-missing`.
 */
export function buildReinstallBody(
  spec: ServerSpec,
  env: SecretEnv,
  rule: SecretRule = secretRuleFromEnv(env),
): ReinstallBodyResult {
  const problems: Problems = { missing: new Set(), refused: new Set(), unreadable: new Map(), env, rule };
  const customizations: Record<string, BodyValue> = {};
  for (const [name, value] of Object.entries(spec.customizations)) {
    customizations[name] = resolveValue(name, value, problems);
  }
  if (problems.refused.size > 0) {
    const names = [...problems.refused].sort();
    return {
      ok: false,
      code: 'env-not-allowed',
      missing: names,
      message: `${names.join(', ')} ${names.length > 1 ? 'are' : 'is'} not an allowed secret (allow-list ${rule.text}; credentials and ovh-fleet's own variables never are): ${spec.file} is not applied`,
    };
  }
  if (problems.missing.size > 0 || problems.unreadable.size > 0) {
    const names = [...problems.missing, ...problems.unreadable.keys()].sort();
    const unset = [...problems.missing].sort();
    const parts = [
      ...(unset.length > 0
        ? [
            `secret${unset.length > 1 ? 's' : ''} ${unset.join(', ')} not set (environment or $CREDENTIALS_DIRECTORY)`,
          ]
        : []),
      ...[...problems.unreadable].map(([name, detail]) => `credential file ${name} ${detail}`),
    ];
    return {
      ok: false,
      code: 'secret-missing',
      missing: names,
      message: `${parts.join('; ')} (needed by ${spec.file})`,
    };
  }
  const body: ReinstallBody = { operatingSystem: spec.operatingSystem };
  if (Object.keys(customizations).length > 0) body.customizations = customizations;
  if (spec.storage !== undefined) body.storage = structuredClone(spec.storage);
  return { ok: true, body };
}

function resolveValue(name: string, value: CustomizationValue, problems: Problems): BodyValue {
  switch (value.kind) {
    case 'file':
      return fileText(name, value);
    case 'env':
      return envText(value, problems);
    case 'literal': {
      const literal = value.value;
      if (typeof literal !== 'object') return literal;
      // keyValue inputs (httpHeaders, configDriveMetadata): every entry resolved the same way.
      const map: Record<string, string> = {};
      for (const [key, entry] of Object.entries(literal)) {
        if (typeof entry === 'string') map[key] = entry;
        else if (entry.kind === 'file') map[key] = entry.content;
        else map[key] = envText(entry, problems);
      }
      return map;
    }
  }
}

function fileText(name: string, ref: FileRef): string {
  return BASE64_FILE_FIELDS.has(name) ? Buffer.from(ref.content, 'utf8').toString('base64') : ref.content;
}

function envText(ref: EnvRef, problems: Problems): string {
  const found = lookupSecret(ref.name, problems.env, problems.rule);
  switch (found.kind) {
    case 'value':
      return found.value;
    case 'not-allowed':
      problems.refused.add(ref.name);
      return '';
    case 'missing':
      problems.missing.add(ref.name);
      return '';
    case 'unreadable':
      problems.unreadable.set(ref.name, found.detail);
      return '';
  }
}
