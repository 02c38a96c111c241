/**
 * Storage rules a JSON Schema cannot express (API-NOTES §3.7 and the partition errors of §5.1).
 * Pure: runs on the data of a server spec after its schema passed.
 */
import type { ErrorCode } from '../core/codes/registry.js';

/** A problem found in the storage section: where (JSON pointer) and what. */
export interface StorageProblem {
  pointer: string;
  code: ErrorCode;
  message: string;
}

interface Layout {
  mountPoint: string;
  fileSystem: string;
  raidLevel?: number;
  size?: number;
}

interface Entry {
  hardwareRaid?: { arrays?: number; disks?: number }[];
  partitioning?: { layout?: Layout[] };
}

/**
 * Checks one spec's `storage` (already schema-valid): at most one partition filling the disk
 * (size 0 or absent, OVHcloud's default), swap on RAID 1 with an explicit size, unique mount
 * points, Windows layouts starting with `c:` (the Unix root is a `contains` in the schema), ZFS
 * RAID levels, hardware RAID disks a multiple of arrays.
 */
export function checkStorage(storage: unknown, template: { windows: boolean }): StorageProblem[] {
  if (!Array.isArray(storage)) return [];
  const problems: StorageProblem[] = [];
  (storage as Entry[]).forEach((entry, e) => {
    const base = `/storage/${e}`;
    const raid = entry.hardwareRaid?.[0];
    if (raid?.disks !== undefined && raid.disks % (raid.arrays ?? 1) !== 0) {
      problems.push({
        pointer: `${base}/hardwareRaid/0/disks`,
        code: 'storage-hardware-raid',
        message: `storage[${e}].hardwareRaid[0].disks: ${raid.disks} disks is not a multiple of ${raid.arrays ?? 1} arrays`,
      });
    }
    const layout = entry.partitioning?.layout;
    if (!Array.isArray(layout) || layout.length === 0) return;
    problems.push(
      ...checkLayout(layout, `${base}/partitioning/layout`, `storage[${e}].partitioning.layout`, template),
    );
  });
  return problems;
}

function checkLayout(
  layout: Layout[],
  base: string,
  at: string,
  template: { windows: boolean },
): StorageProblem[] {
  const problems: StorageProblem[] = [];
  const fills = layout.map((p, i) => ({ p, i })).filter(({ p }) => (p.size ?? 0) === 0);
  for (const { p, i } of fills.slice(1)) {
    if (p.fileSystem === 'swap') continue; // reported below as a swap problem
    problems.push({
      pointer: `${base}/${i}/size`,
      code: 'storage-size-zero',
      message: `${at}[${i}]: only one partition may fill the remaining space (size 0 or absent); ${layout[fills[0]!.i]!.mountPoint} already does`,
    });
  }
  const seen = new Map<string, number>();
  layout.forEach((p, i) => {
    if (p.fileSystem === 'swap' && p.raidLevel !== undefined && p.raidLevel !== 1) {
      problems.push({
        pointer: `${base}/${i}/raidLevel`,
        code: 'storage-swap',
        message: `${at}[${i}].raidLevel: swap can only use RAID level 1, got ${p.raidLevel}`,
      });
    }
    if (p.fileSystem === 'swap' && (p.size ?? 0) === 0) {
      problems.push({
        pointer: `${base}/${i}`,
        code: 'storage-swap',
        message: `${at}[${i}]: swap cannot fill the disk; give it an explicit size in MiB`,
      });
    }
    if (p.fileSystem === 'zfs' && p.raidLevel === 10) {
      problems.push({
        pointer: `${base}/${i}/raidLevel`,
        code: 'storage-zfs',
        message: `${at}[${i}].raidLevel: RAID 10 is not supported for ZFS (use 0, 1, 5, 6 or 7)`,
      });
    }
    if (p.fileSystem !== 'zfs' && p.raidLevel === 7) {
      problems.push({
        pointer: `${base}/${i}/raidLevel`,
        code: 'storage-zfs',
        message: `${at}[${i}].raidLevel: RAID 7 (raidz3) exists only for ZFS partitions`,
      });
    }
    const key = p.mountPoint.toLowerCase();
    if (key !== 'swap' && seen.has(key)) {
      problems.push({
        pointer: `${base}/${i}/mountPoint`,
        code: 'storage-mount-point',
        message: `${at}[${i}].mountPoint: ${p.mountPoint} is already used by partition ${seen.get(key)}`,
      });
    }
    if (!seen.has(key)) seen.set(key, i);
  });
  if (template.windows && layout[0]!.mountPoint.toLowerCase() !== 'c:') {
    problems.push({
      pointer: `${base}/0/mountPoint`,
      code: 'storage-mount-point',
      message: `${at}[0].mountPoint: the first partition of a Windows layout must be c:`,
    });
  }
  return problems;
}
