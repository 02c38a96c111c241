/**
 * The shapes of the answers the adapter accepts, one decoder per type of src/ovh/types.ts.
 * Nothing past the adapter sees an unchecked value.
 */
import {
  array,
  boolean,
  integer,
  literal,
  nullable,
  number,
  object,
  optional,
  string,
  stringRecord,
  type Decoder,
} from './decode.js';
import {
  FILE_SYSTEMS,
  TEMPLATE_INPUT_TYPES,
  type CompatibleTemplates,
  type DedicatedServer,
  type HardwareSpecifications,
  type InstallProgress,
  type ServerTask,
  type TaskResponse,
  type Template,
  type TemplateInfo,
} from './types.js';

const taskStatus = literal('init', 'todo', 'doing', 'done', 'customerError', 'ovhError', 'cancelled');

export const decodeStringList: Decoder<string[]> = array(string);
export const decodeIdList: Decoder<number[]> = array(integer);

export const decodeServer: Decoder<DedicatedServer> = object({
  name: string,
  serverId: integer,
  os: string,
  state: literal('error', 'hacked', 'hackedBlocked', 'ok'),
  datacenter: string,
  ip: string,
  reverse: nullable(string),
  rack: string,
  commercialRange: nullable(string),
  powerState: literal('poweroff', 'poweron'),
  efiBootloaderPath: nullable(string),
  bootId: nullable(integer),
  monitoring: boolean,
  noIntervention: boolean,
  professionalUse: boolean,
  supportLevel: literal('critical', 'fastpath', 'gs', 'pro'),
  linkSpeed: nullable(number),
  rootDevice: nullable(string),
  rescueMail: nullable(string),
  newUpgradeSystem: boolean,
  availabilityZone: string,
  region: string,
  iam: nullable(
    object({ id: string, urn: string, displayName: optional(string), tags: optional(stringRecord) }),
  ),
});

export const decodeTask: Decoder<ServerTask> = object({
  taskId: integer,
  function: string,
  status: taskStatus,
  comment: nullable(string),
  startDate: string,
  doneDate: nullable(string),
  lastUpdate: nullable(string),
  needSchedule: optional(boolean),
  note: optional(nullable(string)),
  plannedInterventionId: optional(nullable(integer)),
  tags: optional(nullable(array(object({ key: string, value: string })))),
  ticketReference: optional(nullable(string)),
});

export const decodeTaskResponse: Decoder<TaskResponse> = object({
  taskId: integer,
  function: string,
  status: taskStatus,
  comment: string,
  startDate: string,
  doneDate: nullable(string),
});

export const decodeInstallProgress: Decoder<InstallProgress> = object({
  elapsedTime: number,
  progress: nullable(
    array(
      object({
        comment: string,
        status: literal('doing', 'done', 'error', 'expired', 'idle', 'pending', 'stopping', 'todo'),
        error: nullable(string),
      }),
    ),
  ),
});

const unitAndValue = object({ unit: string, value: number });

export const decodeHardware: Decoder<HardwareSpecifications> = object({
  description: nullable(string),
  bootMode: literal('legacy', 'uefi', 'uefi-legacy'),
  diskGroups: array(
    object({
      diskGroupId: integer,
      numberOfDisks: integer,
      diskSize: unitAndValue,
      diskType: string,
      description: string,
      raidController: nullable(string),
      defaultHardwareRaidSize: nullable(unitAndValue),
      defaultHardwareRaidType: nullable(string),
    }),
  ),
  defaultHardwareRaidSize: nullable(unitAndValue),
  defaultHardwareRaidType: nullable(string),
  memorySize: unitAndValue,
  processorName: string,
  processorArchitecture: string,
  numberOfProcessors: integer,
  coresPerProcessor: integer,
  threadsPerProcessor: integer,
  formFactor: string,
  motherboard: string,
  expansionCards: nullable(array(object({ description: string, type: literal('fpga', 'gpu') }))),
  usbKeys: nullable(array(unitAndValue)),
  defaultDiskGroupId: optional(integer),
});

/** `personal` and `ovh` may be missing or null (personal templates ended in 2025): both become []. */
export const decodeCompatibleTemplates: Decoder<CompatibleTemplates> = (v, path) => {
  const raw = object({ ovh: nullable(array(string)), personal: nullable(array(string)) })(v, path);
  return { ovh: raw.ovh ?? [], personal: raw.personal ?? [] };
};

const usage = nullable(object({ name: array(string), url: nullable(string) }));
const license = nullable(object({ os: object({ name: array(string), url: nullable(string) }), usage }));
const projectPart = object({
  name: nullable(string),
  version: nullable(string),
  url: nullable(string),
  releaseNotes: nullable(string),
  governance: array(string),
});
const project = nullable(object({ os: projectPart, usage: nullable(projectPart) }));

const infoFields = {
  templateName: string,
  description: string,
  category: string,
  family: string,
  subfamily: string,
  license,
  project,
};

export const decodeTemplateInfo: Decoder<TemplateInfo> = object({
  ...infoFields,
  endOfInstall: nullable(string),
});
export const decodeTemplateInfos: Decoder<TemplateInfo[]> = array(decodeTemplateInfo);

export const decodeTemplate: Decoder<Template> = object({
  ...infoFields,
  endOfInstall: string,
  bitFormat: literal(32, 64),
  distribution: string,
  filesystems: array(literal(...FILE_SYSTEMS)),
  inputs: nullable(
    array(
      object({
        name: string,
        description: nullable(string),
        default: nullable(string),
        mandatory: boolean,
        type: literal(...TEMPLATE_INPUT_TYPES),
        enum: (v: unknown, path: string) => (v === null || v === undefined ? [] : array(string)(v, path)),
      }),
    ),
  ),
  lvmReady: nullable(boolean),
  noPartitioning: boolean,
  softRaidOnlyMirroring: boolean,
  rootMountpoint: nullable(string),
});
