/**
 * The hardware profiles of simulated servers and the rule that derives each server's compatible
 * templates from its hardware. The rules are the simulator's own (plausible, not OVHcloud's):
 * - Windows needs at least 2 disks in the default disk group (no Windows on the single-disk box);
 * - proxmox8_64 needs at least 2 disks in the default disk group;
 * - BYOI/BYOLinux need UEFI boot (not on the legacy-boot single-disk box);
 * - the EL8 family (alma8_64, rocky8_64) has no driver for the NVMe box's network card.
 */
import type { DiskGroup, HardwareSpecifications } from '../ovh/types.js';
import { TEMPLATE_NAMES } from './catalog.js';

/** A kind of server the account is made of. */
export interface HardwareProfile {
  id: 'ssd-jbod' | 'nvme' | 'hw-raid' | 'single-disk' | 'sata-4' | 'dual-group';
  commercialRange: string;
  linkSpeed: number;
  hardware: HardwareSpecifications;
}

function group(
  diskGroupId: number,
  numberOfDisks: number,
  sizeGb: number,
  diskType: string,
  raidController: string | null,
): DiskGroup {
  const size = sizeGb >= 1000 && sizeGb % 1000 === 0 ? `${sizeGb / 1000} TB` : `${sizeGb} GB`;
  return {
    diskGroupId,
    numberOfDisks,
    diskSize: { unit: 'GB', value: sizeGb },
    diskType,
    description: `${numberOfDisks} X Disk ${diskType} ${size}, ${raidController ? 'Hard RAID' : 'JBOD'}`,
    raidController,
    defaultHardwareRaidSize: raidController ? { unit: 'GB', value: sizeGb * (numberOfDisks / 2) } : null,
    defaultHardwareRaidType: raidController ? 'raid1' : null,
  };
}

function hardware(
  description: string,
  processorName: string,
  cores: number,
  memoryGb: number,
  bootMode: HardwareSpecifications['bootMode'],
  diskGroups: DiskGroup[],
): HardwareSpecifications {
  const raid = diskGroups.find((g) => g.raidController);
  return {
    description,
    bootMode,
    diskGroups,
    defaultHardwareRaidSize: raid?.defaultHardwareRaidSize ?? null,
    defaultHardwareRaidType: raid?.defaultHardwareRaidType ?? null,
    memorySize: { unit: 'MB', value: memoryGb * 1024 },
    processorName,
    processorArchitecture: 'x86_64',
    numberOfProcessors: 1,
    coresPerProcessor: cores,
    threadsPerProcessor: cores * 2,
    formFactor: '1u',
    motherboard: 'S3E-DW',
    expansionCards: null,
    usbKeys: null,
    defaultDiskGroupId: 1,
  };
}

/** Every profile, in the order the account cycles through them. */
export const HARDWARE_PROFILES: readonly HardwareProfile[] = [
  {
    id: 'ssd-jbod',
    commercialRange: 'advance',
    linkSpeed: 1000,
    hardware: hardware('ADVANCE-1 - AMD EPYC 4245P', 'AMD EPYC 4245P', 6, 32, 'uefi', [
      group(1, 2, 480, 'SSD', null),
    ]),
  },
  {
    id: 'nvme',
    commercialRange: 'scale',
    linkSpeed: 25000,
    hardware: hardware('SCALE-a1 - AMD EPYC 9124', 'AMD EPYC 9124', 16, 128, 'uefi', [
      group(1, 2, 960, 'NVME', null),
    ]),
  },
  {
    id: 'hw-raid',
    commercialRange: 'hgr',
    linkSpeed: 10000,
    hardware: hardware('HGR-HCI-1 - Intel Xeon Gold 6326', 'Intel Xeon Gold 6326', 16, 192, 'uefi', [
      group(1, 4, 1920, 'SSD', 'LSI MegaRAID 9361-8i'),
    ]),
  },
  {
    id: 'single-disk',
    commercialRange: 'kimsufi',
    linkSpeed: 100,
    hardware: hardware('KS-1 - Intel Xeon-D 1520', 'Intel Xeon-D 1520', 4, 32, 'legacy', [
      group(1, 1, 2000, 'SATA', null),
    ]),
  },
  {
    id: 'sata-4',
    commercialRange: 'rise',
    linkSpeed: 1000,
    hardware: hardware('RISE-STOR - Intel Xeon-E 2388G', 'Intel Xeon-E 2388G', 8, 64, 'uefi', [
      group(1, 4, 6000, 'SATA', null),
    ]),
  },
  {
    id: 'dual-group',
    commercialRange: 'advance',
    linkSpeed: 1000,
    hardware: hardware('ADVANCE-STOR - AMD EPYC 4345P', 'AMD EPYC 4345P', 8, 64, 'uefi', [
      group(1, 2, 960, 'NVME', null),
      group(2, 4, 14000, 'SATA', null),
    ]),
  },
];

/** The templates installable on a server with this hardware (the `ovh` list, sorted). */
export function compatibleTemplatesFor(profile: HardwareProfile): string[] {
  const defaultGroup = profile.hardware.diskGroups.find((g) => g.diskGroupId === 1);
  const disks = defaultGroup?.numberOfDisks ?? 0;
  return TEMPLATE_NAMES.filter((name) => {
    if (name.startsWith('win')) return disks >= 2;
    if (name.startsWith('proxmox')) return disks >= 2;
    if (name.startsWith('byo')) return profile.hardware.bootMode !== 'legacy';
    if (name === 'alma8_64' || name === 'rocky8_64') return profile.id !== 'nvme';
    return true;
  }).sort();
}
