/**
 * The simulated OVHcloud template catalog (GET /dedicated/installationTemplate*), modelled on the
 * real one (API-NOTES §3.5, §3.6, §4). Template names are real; inputs are recorded where known
 * (see catalog-inputs.ts); dates are fixed far-future values except two that move with the sim
 * clock: debian11_64 ended 30 days ago and ubuntu2204-server_64 ends in 45 days, so that
 * "end of install passed" and "ends within 90 days" can always be exercised.
 */
import type { FileSystem, Template, TemplateInfo, TemplateInput } from '../ovh/types.js';
import {
  BYOI_INPUTS,
  BYOLINUX_INPUTS,
  DEBIAN12_INPUTS,
  DEBIAN13_INPUTS,
  LINUX_INPUTS,
  PROXMOX_INPUTS,
  UBUNTU2404_INPUTS,
  WIN2022_INPUTS,
  WIN2025_INPUTS,
} from './catalog-inputs.js';

/** The catalog at one instant of the sim clock. */
export interface Catalog {
  infos: TemplateInfo[];
  templates: Template[];
}

const DAY_MS = 86_400_000;

type EndOfInstall = string | { relativeDays: number };

interface TemplateSeed {
  templateName: string;
  description: string;
  distribution: string;
  category: string;
  family: 'linux' | 'windows' | 'custom';
  subfamily: string;
  endOfInstall: EndOfInstall;
  filesystems: FileSystem[];
  inputs: TemplateInput[];
  lvmReady: boolean | null;
  noPartitioning: boolean;
  softRaidOnlyMirroring: boolean;
  rootMountpoint: string | null;
  license: string[];
  licenseUrl: string | null;
  project: { name: string; version: string; url: string; governance: string[] } | null;
  /** The efiBootloaderPath OVHcloud sets after installing the template (API-NOTES §4). */
  efiBootloaderPath: string | null;
}

const LINUX_FS: FileSystem[] = ['btrfs', 'ext3', 'ext4', 'swap', 'xfs', 'zfs'];
const EL_FS: FileSystem[] = ['ext4', 'swap', 'xfs'];
const EFI_DEBIAN = '\\efi\\debian\\grubx64.efi';
const EFI_UBUNTU = '\\efi\\ubuntu\\grubx64.efi';
const EFI_ALMA = '\\efi\\almalinux\\shimx64.efi';
const EFI_ROCKY = '\\efi\\rocky\\shimx64.efi';
const EFI_WINDOWS = '\\efi\\microsoft\\boot\\bootmgfw.efi';

function linux(
  templateName: string,
  description: string,
  distribution: string,
  subfamily: string,
  endOfInstall: EndOfInstall,
  inputs: TemplateInput[],
  project: TemplateSeed['project'],
  efiBootloaderPath: string,
  filesystems: FileSystem[] = LINUX_FS,
): TemplateSeed {
  return {
    templateName,
    description,
    distribution,
    category: 'basic',
    family: 'linux',
    subfamily,
    endOfInstall,
    filesystems,
    inputs,
    lvmReady: true,
    noPartitioning: false,
    softRaidOnlyMirroring: false,
    rootMountpoint: '/',
    license: ['GPL-2.0-or-later'],
    licenseUrl: null,
    project,
    efiBootloaderPath,
  };
}

function community(name: string, version: string, url: string): TemplateSeed['project'] {
  return { name, version, url, governance: ['community'] };
}

const SEEDS: TemplateSeed[] = [
  {
    ...linux(
      'alma8_64',
      'AlmaLinux 8',
      'alma8',
      'alma',
      '2029-03-06',
      LINUX_INPUTS,
      community('AlmaLinux', '8', 'https://almalinux.org'),
      EFI_ALMA,
      EL_FS,
    ),
  },
  {
    ...linux(
      'alma9_64',
      'AlmaLinux 9',
      'alma9',
      'alma',
      '2032-06-01',
      LINUX_INPUTS,
      community('AlmaLinux', '9', 'https://almalinux.org'),
      EFI_ALMA,
      EL_FS,
    ),
  },
  {
    templateName: 'byoi_64',
    description: 'Bring Your Own Image',
    distribution: 'byoi',
    category: 'customer',
    family: 'custom',
    subfamily: 'byoi',
    endOfInstall: '2999-12-31',
    filesystems: [],
    inputs: BYOI_INPUTS,
    lvmReady: null,
    noPartitioning: true,
    softRaidOnlyMirroring: false,
    rootMountpoint: null,
    license: ['unknown'],
    licenseUrl: null,
    project: null,
    efiBootloaderPath: null,
  },
  {
    templateName: 'byolinux_64',
    description: 'Bring Your Own Linux',
    distribution: 'byolinux',
    category: 'customer',
    family: 'custom',
    subfamily: 'byolinux',
    endOfInstall: '2999-12-31',
    filesystems: [],
    inputs: BYOLINUX_INPUTS,
    lvmReady: null,
    noPartitioning: true,
    softRaidOnlyMirroring: false,
    rootMountpoint: null,
    license: ['unknown'],
    licenseUrl: null,
    project: null,
    efiBootloaderPath: '\\efi\\boot\\bootx64.efi',
  },
  linux(
    'debian11_64',
    'Debian 11 (Bullseye)',
    'debian11',
    'debian',
    { relativeDays: -30 },
    LINUX_INPUTS,
    community('Debian', '11', 'https://www.debian.org'),
    EFI_DEBIAN,
  ),
  linux(
    'debian12_64',
    'Debian 12 (Bookworm)',
    'debian12',
    'debian',
    '2028-07-04',
    DEBIAN12_INPUTS,
    community('Debian', '12', 'https://www.debian.org'),
    EFI_DEBIAN,
  ),
  linux(
    'debian13_64',
    'Debian 13 (Trixie)',
    'debian13',
    'debian',
    '2030-06-30',
    DEBIAN13_INPUTS,
    community('Debian', '13', 'https://www.debian.org'),
    EFI_DEBIAN,
  ),
  {
    ...linux(
      'proxmox8_64',
      'Proxmox VE 8',
      'proxmox8',
      'proxmox',
      '2029-08-31',
      PROXMOX_INPUTS,
      community('Proxmox VE', '8', 'https://www.proxmox.com'),
      EFI_DEBIAN,
      ['ext4', 'swap', 'xfs', 'zfs'],
    ),
    category: 'virtualisation',
    license: ['AGPL-3.0-only'],
  },
  linux(
    'rocky8_64',
    'Rocky Linux 8',
    'rocky8',
    'rocky',
    '2029-05-31',
    LINUX_INPUTS,
    community('Rocky Linux', '8', 'https://rockylinux.org'),
    EFI_ROCKY,
    EL_FS,
  ),
  linux(
    'rocky9_64',
    'Rocky Linux 9',
    'rocky9',
    'rocky',
    '2032-05-31',
    LINUX_INPUTS,
    community('Rocky Linux', '9', 'https://rockylinux.org'),
    EFI_ROCKY,
    EL_FS,
  ),
  linux(
    'ubuntu2204-server_64',
    'Ubuntu Server 22.04 LTS (Jammy Jellyfish)',
    'ubuntu22.04',
    'ubuntu',
    { relativeDays: 45 },
    LINUX_INPUTS,
    community('Ubuntu', '22.04', 'https://ubuntu.com'),
    EFI_UBUNTU,
  ),
  linux(
    'ubuntu2404-server_64',
    'Ubuntu Server 24.04 LTS (Noble Numbat)',
    'ubuntu24.04',
    'ubuntu',
    '2029-05-31',
    UBUNTU2404_INPUTS,
    community('Ubuntu', '24.04', 'https://ubuntu.com'),
    EFI_UBUNTU,
  ),
  windows(
    'win2022core-std_64',
    'Windows Server 2022 Standard (Core)',
    'windows2022',
    '2031-10-14',
    WIN2022_INPUTS,
  ),
  windows(
    'win2025core-std_64',
    'Windows Server 2025 Standard (Core)',
    'windows2025',
    '2034-10-10',
    WIN2025_INPUTS,
  ),
];

function windows(
  templateName: string,
  description: string,
  distribution: string,
  endOfInstall: string,
  inputs: TemplateInput[],
): TemplateSeed {
  return {
    templateName,
    description,
    distribution,
    category: 'basic',
    family: 'windows',
    subfamily: 'windows-server-core',
    endOfInstall,
    filesystems: ['ntfs'],
    inputs,
    lvmReady: false,
    noPartitioning: false,
    softRaidOnlyMirroring: true,
    rootMountpoint: 'c:',
    license: ['proprietary'],
    licenseUrl: 'https://www.microsoft.com/licensing',
    project: {
      name: 'Windows Server',
      version: distribution.slice(-4),
      url: 'https://www.microsoft.com/windows-server',
      governance: ['corporate'],
    },
    efiBootloaderPath: EFI_WINDOWS,
  };
}

/** `YYYY-MM-DD` of an instant, in UTC. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function resolveEnd(end: EndOfInstall, now: number): string {
  return typeof end === 'string' ? end : isoDate(now + end.relativeDays * DAY_MS);
}

function toInfo(seed: TemplateSeed, now: number): TemplateInfo {
  return {
    templateName: seed.templateName,
    description: seed.description,
    category: seed.category,
    family: seed.family,
    subfamily: seed.subfamily,
    endOfInstall: resolveEnd(seed.endOfInstall, now),
    license: { os: { name: [...seed.license], url: seed.licenseUrl }, usage: null },
    project: seed.project
      ? {
          os: {
            name: seed.project.name,
            version: seed.project.version,
            url: seed.project.url,
            releaseNotes: null,
            governance: [...seed.project.governance],
          },
          usage: null,
        }
      : null,
  };
}

/** The catalog as OVHcloud would show it at `now` (sim clock, ms epoch); a fresh copy each call. */
export function buildCatalog(now: number): Catalog {
  const infos = SEEDS.map((seed) => toInfo(seed, now));
  const templates: Template[] = SEEDS.map((seed, i) => ({
    ...(infos[i] as TemplateInfo),
    endOfInstall: resolveEnd(seed.endOfInstall, now),
    bitFormat: 64,
    distribution: seed.distribution,
    filesystems: [...seed.filesystems],
    inputs: seed.inputs.map((inp) => ({ ...inp, enum: [...inp.enum] })),
    lvmReady: seed.lvmReady,
    noPartitioning: seed.noPartitioning,
    softRaidOnlyMirroring: seed.softRaidOnlyMirroring,
    rootMountpoint: seed.rootMountpoint,
  }));
  return { infos, templates };
}

/** Every template name of the catalog, sorted. */
export const TEMPLATE_NAMES: readonly string[] = SEEDS.map((s) => s.templateName);

/** The efiBootloaderPath set after installing `templateName` (null when OVHcloud sets none). */
export function defaultEfiBootloaderPath(templateName: string): string | null {
  return SEEDS.find((s) => s.templateName === templateName)?.efiBootloaderPath ?? null;
}
