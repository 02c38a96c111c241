import type { CodeTable } from './registry.js';

const SPEC =
  'Correct the field named in the message; `ovh-fleet templates NAME` shows what the template accepts.';

/** Diagnostics of schema and catalog validation (src/validate). Exit code 1: the specs are invalid. */
export const SCHEMA_CODES = {
  'schema-type': {
    summary: 'A field has the wrong JSON type (e.g. the string "true" where a boolean is expected).',
    action: SPEC,
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'schema-required': {
    summary: 'A required field is missing (e.g. serviceName, or a mandatory template input without default).',
    action: SPEC,
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'schema-unknown-field': {
    summary: 'A field is not known at this place (misspelt, or not an input of the chosen template).',
    action: 'Remove or rename the field; the message suggests the closest known name.',
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'schema-enum': {
    summary: 'A value is not one of the allowed values.',
    action: SPEC,
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'schema-format': {
    summary: 'A value does not have the expected format (hostname, SSH key, e-mail, URL, mount point…).',
    action: SPEC,
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'schema-range': {
    summary: 'A number, string or list is out of the allowed range (minimum, maximum, length, items).',
    action: SPEC,
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'schema-invalid': {
    summary: 'The file does not match its schema in a way no more precise code describes.',
    action: SPEC,
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'schema-reference': {
    summary:
      'A {file: PATH} or {env: NAME} reference is malformed, or used where only a literal is accepted.',
    action: 'Write exactly one of `file: PATH` (repository-relative) or `env: NAME` in the map.',
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'os-unknown-template': {
    summary: 'operatingSystem names a template that is not in the OVHcloud catalog.',
    action: 'Use a name from `ovh-fleet templates`; the message suggests the closest one.',
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'os-end-of-install': {
    summary: 'The template is past its endOfInstall date: OVHcloud no longer installs it.',
    action: 'Choose a newer template (`ovh-fleet templates` marks the ones near or past their end).',
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'os-end-of-install-soon': {
    summary: 'The template reaches its endOfInstall date within 90 days (a warning).',
    action: 'Plan a move to a newer template before the date in the message.',
    exitCode: 0,
    next: 'none',
  },
  'os-incompatible': {
    summary: "The template is not in the server's install/compatibleTemplates list.",
    action: 'Run `ovh-fleet templates --server SERVICE` and choose a compatible template.',
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'server-not-in-account': {
    summary: 'serviceName is not a dedicated server of the account the credentials give access to.',
    action: 'Correct serviceName, or use credentials of the account that holds the server.',
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'storage-size-zero': {
    summary: 'More than one partition of the layout has size 0 (fill the remaining space).',
    action: 'Give every partition but one an explicit size in MiB.',
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'storage-swap': {
    summary: 'A swap partition is invalid: its RAID level must be 1 and it cannot fill the disk (size 0).',
    action: 'Set raidLevel: 1 (or leave it out) and an explicit size on the swap partition.',
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'storage-mount-point': {
    summary: 'Mount points of the layout are duplicated, or the root mount point is missing or misplaced.',
    action: 'Give each partition its own mount point; include the root (/ or c:) as the template requires.',
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'storage-zfs': {
    summary:
      'A ZFS partition uses RAID level 10 (unsupported for ZFS), or a non-ZFS one uses 7 (raidz3, ZFS only).',
    action: 'Use raidLevel 0, 1, 5, 6 or 7 for ZFS partitions and 0, 1, 5, 6 or 10 for the others.',
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'storage-unsupported': {
    summary: 'The template does not support this storage setting (custom partitioning, LVM or ZFS extras).',
    action: 'Remove the setting, or choose a template that supports it (`ovh-fleet templates NAME`).',
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'storage-hardware-raid': {
    summary: 'The hardware RAID settings are inconsistent (disks not a multiple of arrays).',
    action: 'Make hardwareRaid.disks a multiple of hardwareRaid.arrays.',
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'storage-disk-group': {
    summary: "storage names a disk group the server's hardware does not have.",
    action: 'Use a diskGroupId shown by `ovh-fleet templates --server SERVICE`.',
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'storage-no-raid-controller': {
    summary: 'hardwareRaid is set for a disk group without a hardware RAID controller.',
    action: 'Remove hardwareRaid, or choose a disk group with a RAID controller.',
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'storage-too-many-disks': {
    summary: 'partitioning.disks or hardwareRaid.disks exceeds the number of disks of the disk group.',
    action: 'Lower the number of disks to at most the count shown by `ovh-fleet templates --server`.',
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'schemas-not-found': {
    summary: 'No server.schema.json was found in the repository or in the ovh-fleet package.',
    action: 'Run `ovh-fleet schemas` to generate the schemas, or reinstall ovh-fleet.',
    exitCode: 64,
    next: 'operator',
  },
  'schemas-invalid': {
    summary: 'A schema file of schemas/ cannot be read or compiled.',
    action: 'Regenerate the schemas with `ovh-fleet schemas`.',
    exitCode: 64,
    next: 'wait-for-commit',
  },
  'template-not-found': {
    summary: '`ovh-fleet templates NAME` names a template that is not in the catalog.',
    action: 'Run `ovh-fleet templates` for the list; the message suggests the closest name.',
    exitCode: 1,
    next: 'operator',
  },
} as const satisfies CodeTable;
