/**
 * Checks the reinstall `storage` array against the template and the server's hardware, with
 * OVHcloud's classes and message templates (API-NOTES §3.7, §5.1). Rules the notes do not fix are
 * the simulator's choices: forbidden mount points are the system directories listed below; a
 * second partition of size 0 is refused as PartitionDuplicatedAttribute on `size`; a layout holds
 * 1 to 32 partitions; swap must use RAID 1; ZFS cannot use RAID 10; `softRaidOnlyMirroring`
 * templates accept RAID 1 only; schemeName must be `default`.
 */
import type { HardwareSpecifications, StorageEntry, Template } from '../ovh/types.js';
import { ovhError, type SimHttpError } from './error-templates.js';

const FORBIDDEN_MOUNTPOINTS = [
  '/bin',
  '/dev',
  '/etc',
  '/lib',
  '/lib64',
  '/lost+found',
  '/proc',
  '/run',
  '/sbin',
  '/sys',
  '/usr',
];
const UNIX_MOUNTPOINT = /^[A-Za-z0-9/._-]{1,256}$/;
const WINDOWS_MOUNTPOINT = /^[a-z]{1,5}:$/;
const LV_NAME = /^[A-Za-z0-9]{1,16}$/;
const ZP_NAME = /^[A-Za-z][A-Za-z0-9_:.]{0,238}$/;
const LAYOUT_MIN = 1;
const LAYOUT_MAX = 32;

/** The first problem of `storage`, or null. `serverName` is the service name. */
export function checkStorage(
  storage: StorageEntry[] | undefined,
  template: Template,
  hardware: HardwareSpecifications,
  serverName: string,
): SimHttpError | null {
  if (!storage || storage.length === 0) return null;
  if (storage.length > 1) {
    return ovhError('Server::NotImplemented::DiskGroupMultipleConfigs', { diskgroupsNumber: storage.length });
  }
  const entry = storage[0] as StorageEntry;
  const wanted = entry.diskGroupId ?? 0;
  const groupId = wanted === 0 ? (hardware.defaultDiskGroupId ?? 1) : wanted;
  const group = hardware.diskGroups.find((g) => g.diskGroupId === groupId);
  const diskGroupName = `disk group ${groupId}`;
  if (!group) return ovhError('Client::NotFound::DiskGroup', { diskGroupName, serverName });

  const raid = entry.hardwareRaid ?? [];
  if (raid.length > 1) {
    return ovhError('Server::NotImplemented::HardwareRaidMultipleConfigs', {
      hwRaidConfigsNumber: raid.length,
    });
  }
  const raidConfig = raid[0];
  if (raidConfig) {
    if (!hardware.diskGroups.some((g) => g.raidController)) {
      return ovhError('Client::Conflict::HardwareRaidIncompatibleOnServer', { serverName });
    }
    if (!group.raidController) {
      return ovhError('Client::Conflict::HardwareRaidIncompatibleOnDiskGroup', { diskGroupName, serverName });
    }
    const disks = raidConfig.disks ?? group.numberOfDisks;
    const arrays = raidConfig.arrays ?? 1;
    if (disks > group.numberOfDisks) {
      return ovhError('Client::Conflict::HardwareRaidTooManyDisks', {
        disksNumber: disks,
        diskgroupName: diskGroupName,
        maxDisksNumber: group.numberOfDisks,
        serverName,
      });
    }
    if (arrays <= 0 || disks % arrays !== 0) {
      return ovhError('Client::BadRequest::HardwareRaidInvalidDisksArrays', { disks, arrays });
    }
  }

  const partitioning = entry.partitioning;
  if (!partitioning) return null;
  if (partitioning.disks !== undefined && partitioning.disks !== null) {
    if (partitioning.disks > group.numberOfDisks) {
      return ovhError('Client::Conflict::PartitioningTooManyDisks', {
        disksNumber: partitioning.disks,
        diskgroupName: diskGroupName,
        maxDisksNumber: group.numberOfDisks,
        serverName,
      });
    }
    if (raidConfig && partitioning.disks > 1) {
      return ovhError('Client::BadRequest::HardwareRaidPartitioningDisks', { disks: partitioning.disks });
    }
  }
  if (
    partitioning.schemeName !== undefined &&
    partitioning.schemeName !== null &&
    partitioning.schemeName !== 'default'
  ) {
    return ovhError('Client::NotFound::SchemeName', {
      schemeName: partitioning.schemeName,
      operatingSystem: template.templateName,
    });
  }
  if (partitioning.layout === undefined || partitioning.layout === null) return null;
  if (template.noPartitioning) {
    return ovhError('Client::BadRequest::PartitionIncompatibleCustomPartitioning', {
      operatingSystem: template.templateName,
      diskGroupName,
    });
  }
  return checkLayout(partitioning.layout, template, diskGroupName);
}

function checkLayout(
  layout: NonNullable<NonNullable<StorageEntry['partitioning']>['layout']>,
  template: Template,
  diskGroupName: string,
): SimHttpError | null {
  const operatingSystem = template.templateName;
  if (layout.length < LAYOUT_MIN || layout.length > LAYOUT_MAX) {
    return ovhError('Client::BadRequest::PartitionLength', {
      partitionsNumber: layout.length,
      lengthMin: LAYOUT_MIN,
      lengthMax: LAYOUT_MAX,
      diskGroupName,
    });
  }
  const windows = template.family === 'windows';
  const seen = new Set<string>();
  let fillers = 0;
  for (const [index, part] of layout.entries()) {
    const at = { partitionName: part.mountPoint, partitionStep: index + 1, diskGroupName };
    const mp = part.mountPoint;
    const attr = { attribute: 'mountPoint', value: mp, ...at };
    if (windows) {
      if (!WINDOWS_MOUNTPOINT.test(mp))
        return ovhError('Client::BadRequest::PartitionInvalidWindowsMountpointLength', attr);
      if (index === 0 && mp !== 'c:')
        return ovhError('Client::BadRequest::PartitionInvalidWindowsMountpointRoot', attr);
    } else if (mp !== 'swap') {
      if (!mp.startsWith('/'))
        return ovhError('Client::BadRequest::PartitionInvalidUnixMountpointPrefix', attr);
      if (!UNIX_MOUNTPOINT.test(mp))
        return ovhError('Client::BadRequest::PartitionInvalidUnixMountpoint', attr);
      if (mp.length > 1 && mp.endsWith('/'))
        return ovhError('Client::BadRequest::PartitionForbiddenMountpointSuffix', attr);
      if (/\/\/|\/\.\.?(\/|$)|\/\./.test(mp)) {
        return ovhError('Client::BadRequest::PartitionForbiddenMountpointCanonical', attr);
      }
      if (FORBIDDEN_MOUNTPOINTS.includes(mp)) {
        return ovhError('Client::BadRequest::PartitionForbiddenMountpoint', {
          ...attr,
          forbiddenValues: `[${FORBIDDEN_MOUNTPOINTS.join(', ')}]`,
        });
      }
    }
    if (seen.has(mp)) return ovhError('Client::BadRequest::PartitionDuplicatedAttribute', attr);
    seen.add(mp);
    if (!template.filesystems.includes(part.fileSystem)) {
      return ovhError('Client::BadRequest::PartitionIncompatibleFs', {
        attribute: 'fileSystem',
        value: part.fileSystem,
        operatingSystem,
        expectedValues: `[${template.filesystems.join(', ')}]`,
        ...at,
      });
    }
    const raidLevel = part.raidLevel ?? 1;
    if (template.softRaidOnlyMirroring && raidLevel !== 1) {
      return ovhError('Client::BadRequest::PartitionIncompatibleRaidLevel', {
        attribute: 'raidLevel',
        value: raidLevel,
        expectedValues: '[1]',
        operatingSystem,
        ...at,
      });
    }
    if ((part.fileSystem === 'swap' && raidLevel !== 1) || (part.fileSystem === 'zfs' && raidLevel === 10)) {
      const expected = part.fileSystem === 'swap' ? '[1]' : '[0, 1, 5, 6, 7]';
      return ovhError('Client::BadRequest::PartitionRaidLevel', {
        attribute: 'raidLevel',
        value: raidLevel,
        expectedValues: expected,
        ...at,
      });
    }
    if ((part.size ?? 0) === 0) {
      fillers++;
      if (fillers > 1) {
        return ovhError('Client::BadRequest::PartitionDuplicatedAttribute', {
          attribute: 'size',
          value: 0,
          ...at,
        });
      }
    }
    const lv = part.extras?.lv;
    if (lv) {
      if (!template.lvmReady) {
        return ovhError('Client::BadRequest::PartitionIncompatibleLvm', {
          attribute: 'extras.lv',
          value: lv.name ?? '',
          operatingSystem,
          ...at,
        });
      }
      if (lv.name !== undefined && !LV_NAME.test(lv.name)) {
        return ovhError('Client::BadRequest::PartitionInvalidLvName', {
          attribute: 'extras.lv.name',
          value: lv.name,
          ...at,
        });
      }
    }
    const zp = part.extras?.zp;
    if (zp) {
      if (part.fileSystem !== 'zfs') {
        return ovhError('Client::BadRequest::PartitionIncompatibleParams', {
          paramName1: 'extras.zp',
          paramValue1: zp.name ?? '',
          paramName2: 'fileSystem',
          paramValue2: part.fileSystem,
          ...at,
        });
      }
      if (zp.name !== undefined && !ZP_NAME.test(zp.name)) {
        return ovhError('Client::BadRequest::PartitionInvalidZpName', {
          attribute: 'extras.zp.name',
          value: zp.name,
          ...at,
        });
      }
    }
  }
  if (template.rootMountpoint && !seen.has(template.rootMountpoint)) {
    return ovhError('Client::BadRequest::PartitionMissingRootMountpoint', {
      attribute: 'mountPoint',
      value: template.rootMountpoint,
      operatingSystem,
      diskGroupName,
    });
  }
  return null;
}
