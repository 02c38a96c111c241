/**
 * The shapes of the OVHcloud API v1 answers that ovh-fleet uses, as documented by OVHcloud's
 * OpenAPI for /dedicated/server (test/fixtures/reference/dedicated-server.openapi3.json) and the
 * /dedicated/installationTemplate models. The adapter checks answers against these at the boundary.
 */

export type TaskStatus = 'init' | 'todo' | 'doing' | 'done' | 'customerError' | 'ovhError' | 'cancelled';
export const PENDING_TASK_STATUSES: readonly TaskStatus[] = ['init', 'todo', 'doing'];
export const FAILED_TASK_STATUSES: readonly TaskStatus[] = ['customerError', 'ovhError', 'cancelled'];

/** `GET /dedicated/server/{serviceName}` (dedicated.server.DedicatedWithIAM), the fields we read. */
export interface DedicatedServer {
  name: string;
  serverId: number;
  /** Installed template name, e.g. `debian12_64`; may be empty or unknown to the catalog. */
  os: string;
  state: 'error' | 'hacked' | 'hackedBlocked' | 'ok';
  datacenter: string;
  ip: string;
  reverse: string | null;
  rack: string;
  commercialRange: string | null;
  powerState: 'poweroff' | 'poweron';
  efiBootloaderPath: string | null;
  bootId: number | null;
  monitoring: boolean;
  noIntervention: boolean;
  professionalUse: boolean;
  supportLevel: 'critical' | 'fastpath' | 'gs' | 'pro';
  linkSpeed: number | null;
  rootDevice: string | null;
  rescueMail: string | null;
  newUpgradeSystem: boolean;
  availabilityZone: string;
  region: string;
  iam: { id: string; urn: string; displayName?: string; tags?: Record<string, string> } | null;
}

/** `GET /dedicated/server/{serviceName}/task/{taskId}` (dedicated.server.Task). */
export interface ServerTask {
  taskId: number;
  function: string;
  status: TaskStatus;
  comment: string | null;
  startDate: string;
  doneDate: string | null;
  lastUpdate: string | null;
  needSchedule?: boolean;
  note?: string | null;
  plannedInterventionId?: number | null;
  tags?: { key: string; value: string }[] | null;
  ticketReference?: string | null;
}

/** `POST /dedicated/server/{serviceName}/reinstall` answer (dedicated.server.task.Response). */
export interface TaskResponse {
  taskId: number;
  function: string;
  status: TaskStatus;
  comment: string;
  startDate: string;
  doneDate: string | null;
}

export type InstallStepStatus =
  'doing' | 'done' | 'error' | 'expired' | 'idle' | 'pending' | 'stopping' | 'todo';

/** `GET /dedicated/server/{serviceName}/install/status` (dedicated.server.InstallationProgressStatus). */
export interface InstallProgress {
  /** Seconds since the installation began. */
  elapsedTime: number;
  progress: { comment: string; status: InstallStepStatus; error: string | null }[] | null;
}

export interface UnitAndValue {
  unit: string;
  value: number;
}

/** One group of identical disks (dedicated.server.HardwareSpecificationsDisk). */
export interface DiskGroup {
  diskGroupId: number;
  numberOfDisks: number;
  diskSize: UnitAndValue;
  diskType: string;
  /** Human readable, e.g. "2 X Disk SSD 480 GB, JBOD". */
  description: string;
  raidController: string | null;
  defaultHardwareRaidSize: UnitAndValue | null;
  defaultHardwareRaidType: string | null;
}

/** `GET /dedicated/server/{serviceName}/specifications/hardware`, the fields we read. */
export interface HardwareSpecifications {
  description: string | null;
  bootMode: 'legacy' | 'uefi' | 'uefi-legacy';
  diskGroups: DiskGroup[];
  defaultHardwareRaidSize: UnitAndValue | null;
  defaultHardwareRaidType: string | null;
  memorySize: UnitAndValue;
  processorName: string;
  processorArchitecture: string;
  numberOfProcessors: number;
  coresPerProcessor: number;
  threadsPerProcessor: number;
  formFactor: string;
  motherboard: string;
  expansionCards: { description: string; type: 'fpga' | 'gpu' }[] | null;
  usbKeys: UnitAndValue[] | null;
  /** Present in 2026 answers (OVHcloud's partitioning guide), absent from the 2025-09 OpenAPI. */
  defaultDiskGroupId?: number;
}

/** `GET /dedicated/server/{serviceName}/install/compatibleTemplates` (dedicated.server.InstallTemplate). */
export interface CompatibleTemplates {
  ovh: string[];
  personal: string[];
}

/** dedicated.TemplateOsInputTypeEnum (2026 catalog, with `hostname`). */
export const TEMPLATE_INPUT_TYPES = [
  'boolean',
  'date',
  'email',
  'enum',
  'hexstring',
  'hostname',
  'ip',
  'keyValue',
  'number',
  'sshPubKey',
  'string',
  'text',
  'time',
  'url',
  'uuid',
] as const;

export type TemplateInputType = (typeof TEMPLATE_INPUT_TYPES)[number];

/** One question of a template (dedicated.TemplateOsInput). `default` is always a string or null. */
export interface TemplateInput {
  name: string;
  description: string | null;
  default: string | null;
  mandatory: boolean;
  type: TemplateInputType;
  enum: string[];
}

export interface TemplateLicense {
  os: { name: string[]; url: string | null };
  usage: { name: string[]; url: string | null } | null;
}

export interface TemplateProject {
  os: {
    name: string | null;
    version: string | null;
    url: string | null;
    releaseNotes: string | null;
    governance: string[];
  };
  usage: {
    name: string | null;
    version: string | null;
    url: string | null;
    releaseNotes: string | null;
    governance: string[];
  } | null;
}

/** An item of `GET /dedicated/installationTemplate/templateInfos` (dedicated.TemplateOsInfo). */
export interface TemplateInfo {
  templateName: string;
  description: string;
  category: string;
  family: string;
  subfamily: string;
  /** `YYYY-MM-DD`; after this date OVHcloud refuses to install the template. */
  endOfInstall: string | null;
  license: TemplateLicense | null;
  project: TemplateProject | null;
}

/** dedicated.server.reinstall.storage.partitioning.layout.FileSystemEnum */
export const FILE_SYSTEMS = [
  'btrfs',
  'ext3',
  'ext4',
  'fat16',
  'none',
  'ntfs',
  'reiserfs',
  'swap',
  'ufs',
  'vmfs5',
  'vmfs6',
  'vmfsl',
  'xfs',
  'zfs',
] as const;

export type FileSystem = (typeof FILE_SYSTEMS)[number];

/** `GET /dedicated/installationTemplate/{templateName}` (dedicated.installationTemplate.Templates). */
export interface Template extends Omit<TemplateInfo, 'endOfInstall'> {
  bitFormat: 32 | 64;
  distribution: string;
  endOfInstall: string;
  filesystems: FileSystem[];
  inputs: TemplateInput[] | null;
  lvmReady: boolean | null;
  noPartitioning: boolean;
  softRaidOnlyMirroring: boolean;
  rootMountpoint: string | null;
}

/** One partition of a custom layout (dedicated.server.reinstall.storage.partitioning.Layout). */
export interface LayoutEntry {
  mountPoint: string;
  fileSystem: FileSystem;
  raidLevel?: 0 | 1 | 5 | 6 | 7 | 10;
  /** MiB; 0 fills the remaining space. */
  size?: number;
  extras?: { lv?: { name?: string }; zp?: { name?: string } };
}

/** dedicated.server.reinstall.Storage */
export interface StorageEntry {
  diskGroupId?: number;
  hardwareRaid?: {
    arrays?: number;
    disks?: number;
    raidLevel?: 0 | 1 | 5 | 6 | 10 | 50 | 60;
    spares?: number;
  }[];
  partitioning?: { disks?: number; layout?: LayoutEntry[]; schemeName?: string };
}

/** The body of `POST /dedicated/server/{serviceName}/reinstall` (dedicated.server.Reinstall). */
export interface ReinstallBody {
  operatingSystem: string;
  customizations?: Record<string, string | number | boolean | Record<string, string>>;
  storage?: StorageEntry[];
}
