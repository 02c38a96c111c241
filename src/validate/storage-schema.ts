/**
 * The storage schema of one template (dedicated.server.reinstall.Storage[], API-NOTES §3.7).
 * Rules a schema cannot express (one size-0 partition, swap RAID 1, root mount point…) are
 * checks in storage-checks.ts.
 */
import type { Template } from '../ovh/types.js';
import { isWindowsTemplate } from './catalog.js';
import type { JsonSchema } from './input-schemas.js';

/** Software RAID levels of a layout entry (API-NOTES §3.7). */
export const SOFT_RAID_LEVELS = [0, 1, 5, 6, 7, 10] as const;
/**
 * Levels allowed when the template has `softRaidOnlyMirroring`: mirroring means RAID 1 only.
 * A single-disk server still works: OVHcloud lowers RAID 1 to 0 itself when disks are missing.
 */
export const MIRROR_ONLY_RAID_LEVELS = [1] as const;
/** Hardware RAID levels (hardwareRaid[].raidLevel); null means the default (1). */
export const HARDWARE_RAID_LEVELS = [0, 1, 5, 6, 10, 50, 60] as const;

/** Unix mount point: `/`, canonical absolute paths (no `.`/`..` segments, no trailing `/`), or `swap`. */
export const UNIX_MOUNT_POINT_PATTERN = '^(?:swap|/|(?:/(?!\\.\\.?(?:/|$))[A-Za-z0-9._-]+)+)$';
/** Windows mount point: a drive of at most 5 characters, lowercase letters and a colon (`c:`). */
export const WINDOWS_MOUNT_POINT_PATTERN = '^[a-z]{1,4}:$';

/** Shared storage definitions (same for every template). */
export function storageDefinitions(): Record<string, JsonSchema> {
  return {
    'mount-point-unix': { type: 'string', minLength: 1, maxLength: 256, pattern: UNIX_MOUNT_POINT_PATTERN },
    'mount-point-windows': { type: 'string', maxLength: 5, pattern: WINDOWS_MOUNT_POINT_PATTERN },
    'hardware-raid': {
      type: 'object',
      additionalProperties: false,
      properties: {
        arrays: { type: 'integer', minimum: 1 },
        disks: { type: 'integer', minimum: 1 },
        raidLevel: { enum: [...HARDWARE_RAID_LEVELS, null] },
        spares: { type: 'integer', minimum: 0 },
      },
    },
    'lv-extras': {
      type: 'object',
      additionalProperties: false,
      properties: { name: { type: 'string', pattern: '^[A-Za-z0-9]{1,16}$' } },
    },
    'zp-extras': {
      type: 'object',
      additionalProperties: false,
      properties: { name: { type: 'string', maxLength: 239, pattern: '^[A-Za-z][A-Za-z0-9_:.]*$' } },
    },
  };
}

/** The `storage` array schema of one template. */
export function storageSchema(template: Template): JsonSchema {
  const windows = isWindowsTemplate(template);
  const zfs = template.filesystems.includes('zfs');
  const lvm = template.lvmReady === true;
  const layoutEntry: JsonSchema = {
    type: 'object',
    required: ['fileSystem', 'mountPoint'],
    additionalProperties: false,
    properties: {
      mountPoint: { $ref: windows ? '#/$defs/mount-point-windows' : '#/$defs/mount-point-unix' },
      fileSystem: { type: 'string', enum: [...template.filesystems].sort() },
      raidLevel: {
        type: 'integer',
        enum: template.softRaidOnlyMirroring ? [...MIRROR_ONLY_RAID_LEVELS] : [...SOFT_RAID_LEVELS],
      },
      size: { type: 'integer', minimum: 0, description: 'MiB; 0 fills the remaining space.' },
      extras: {
        type: 'object',
        additionalProperties: false,
        properties: {
          // `false`: the validator reports "not available on this template" rather than an unknown field.
          lv: lvm ? { $ref: '#/$defs/lv-extras' } : false,
          zp: zfs ? { $ref: '#/$defs/zp-extras' } : false,
        },
      },
    },
  };
  const partitioning: JsonSchema = {
    type: 'object',
    additionalProperties: false,
    properties: {
      disks: { type: 'integer', minimum: 1 },
      layout: template.noPartitioning ? false : layoutSchema(template, layoutEntry),
      schemeName: template.noPartitioning ? false : { type: 'string', minLength: 1 },
    },
  };
  return {
    type: 'array',
    description: `Storage of ${template.templateName}: one disk group (OVHcloud refuses several).`,
    maxItems: 1,
    items: {
      type: 'object',
      additionalProperties: false,
      properties: {
        diskGroupId: { type: 'integer', minimum: 0, description: '0 or absent: the default disk group.' },
        hardwareRaid: { type: 'array', maxItems: 1, items: { $ref: '#/$defs/hardware-raid' } },
        partitioning,
      },
    },
  };
}

/**
 * The layout list. On Unix templates it must contain the root mount point (`rootMountpoint`,
 * else `/`: PartitionMissingRootMountpoint); on Windows the first partition must be `c:`, which
 * storage-checks.ts verifies.
 */
function layoutSchema(template: Template, layoutEntry: JsonSchema): JsonSchema {
  const list: JsonSchema = { type: 'array', minItems: 1, maxItems: 64, items: layoutEntry };
  if (isWindowsTemplate(template)) return list;
  const root = template.rootMountpoint ?? '/';
  return {
    ...list,
    contains: { type: 'object', required: ['mountPoint'], properties: { mountPoint: { const: root } } },
  };
}
