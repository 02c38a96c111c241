/**
 * Type checks of the `POST …/reinstall` body against OVHcloud's `dedicated.server.Reinstall`
 * schema, transcribed from the official OpenAPI (test/fixtures/reference/dedicated-server.openapi3.json,
 * components.schemas dedicated.server.Reinstall and dedicated.server.reinstall.*). `customizations`
 * is only checked to be an object here: its keys are validated against the template's inputs.
 * Unknown properties are refused. The message wording is the simulator's (OVHcloud's real text for
 * these cases is not recorded): `[path] Given data (x) is not valid for type long`, `[path] Property
 * is mandatory`, `[path] Unknown property`, with class `Client::BadRequest`.
 */
import { FILE_SYSTEMS } from '../ovh/types.js';
import { classError, type SimHttpError } from './error-templates.js';

type Schema =
  | { kind: 'string' }
  | { kind: 'long' }
  | { kind: 'enum'; name: string; values: readonly (string | number)[] }
  | { kind: 'object'; properties: Record<string, Schema>; required?: readonly string[] }
  | { kind: 'map'; values: Schema }
  | { kind: 'freeObject' }
  | { kind: 'array'; items: Schema };

const layout: Schema = {
  kind: 'object',
  required: ['fileSystem', 'mountPoint'],
  properties: {
    extras: {
      kind: 'object',
      properties: {
        lv: { kind: 'object', properties: { name: { kind: 'string' } } },
        zp: { kind: 'object', properties: { name: { kind: 'string' } } },
      },
    },
    fileSystem: {
      kind: 'enum',
      name: 'dedicated.server.reinstall.storage.partitioning.layout.FileSystemEnum',
      values: [...FILE_SYSTEMS],
    },
    mountPoint: { kind: 'string' },
    raidLevel: {
      kind: 'enum',
      name: 'dedicated.server.reinstall.storage.partitioning.layout.RaidLevelEnum',
      values: [0, 1, 5, 6, 7, 10],
    },
    size: { kind: 'long' },
  },
};

const storage: Schema = {
  kind: 'object',
  properties: {
    diskGroupId: { kind: 'long' },
    hardwareRaid: {
      kind: 'array',
      items: {
        kind: 'object',
        properties: {
          arrays: { kind: 'long' },
          disks: { kind: 'long' },
          raidLevel: {
            kind: 'enum',
            name: 'dedicated.server.reinstall.storage.hardwareRaid.RaidLevelEnum',
            values: [0, 1, 5, 6, 10, 50, 60],
          },
          spares: { kind: 'long' },
        },
      },
    },
    partitioning: {
      kind: 'object',
      properties: {
        disks: { kind: 'long' },
        layout: { kind: 'array', items: layout },
        schemeName: { kind: 'string' },
      },
    },
  },
};

/** dedicated.server.Reinstall */
export const REINSTALL_SCHEMA: Schema = {
  kind: 'object',
  required: ['operatingSystem'],
  properties: {
    customizations: { kind: 'freeObject' },
    operatingSystem: { kind: 'string' },
    properties: { kind: 'map', values: { kind: 'string' } },
    storage: { kind: 'array', items: storage },
  },
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function bad(path: string, message: string): SimHttpError {
  return classError(400, 'Client::BadRequest', `[${path}] ${message}`);
}

function check(schema: Schema, value: unknown, path: string): SimHttpError | null {
  // null is accepted where the API allows omitting a value (e.g. "raidLevel": null, S10).
  if (value === null && path !== '') return null;
  switch (schema.kind) {
    case 'string':
      return typeof value === 'string'
        ? null
        : bad(path, `Given data (${show(value)}) is not valid for type string`);
    case 'long':
      return Number.isInteger(value)
        ? null
        : bad(path, `Given data (${show(value)}) is not valid for type long`);
    case 'enum':
      return schema.values.includes(value as string | number)
        ? null
        : bad(path, `Given data (${show(value)}) does not belong to the ${schema.name} enumeration`);
    case 'freeObject':
      return isPlainObject(value)
        ? null
        : bad(path, `Given data (${show(value)}) is not valid for type object`);
    case 'map': {
      if (!isPlainObject(value)) return bad(path, `Given data (${show(value)}) is not valid for type object`);
      for (const [key, item] of Object.entries(value)) {
        const error = check(schema.values, item, `${path}.${key}`);
        if (error) return error;
      }
      return null;
    }
    case 'array': {
      if (!Array.isArray(value)) return bad(path, `Given data (${show(value)}) is not valid for type array`);
      for (const [i, item] of value.entries()) {
        const error = check(schema.items, item, `${path}.${i}`);
        if (error) return error;
      }
      return null;
    }
    case 'object': {
      if (!isPlainObject(value)) {
        return path === ''
          ? classError(400, 'Client::BadRequest', 'Invalid JSON received: the body must be a JSON object')
          : bad(path, `Given data (${show(value)}) is not valid for type object`);
      }
      const prefix = path === '' ? '' : `${path}.`;
      for (const key of Object.keys(value)) {
        if (!Object.hasOwn(schema.properties, key)) return bad(`${prefix}${key}`, 'Unknown property');
      }
      for (const key of schema.required ?? []) {
        if (value[key] === undefined || value[key] === null)
          return bad(`${prefix}${key}`, 'Property is mandatory');
      }
      for (const [key, sub] of Object.entries(schema.properties)) {
        if (value[key] === undefined) continue;
        const error = check(sub, value[key], `${prefix}${key}`);
        if (error) return error;
      }
      return null;
    }
  }
}

/** The first schema violation of a reinstall body, or null when it has the right shape. */
export function checkReinstallBody(body: unknown): SimHttpError | null {
  return check(REINSTALL_SCHEMA, body, '');
}
