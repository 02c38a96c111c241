/**
 * What the in-memory OvhApi fake (fake-ovh-api.ts) answers besides tasks: its small catalog with
 * OVHcloud's inputs, a full server object, one hardware profile, the reinstall refusals in the
 * simulator's order (src/sim/reinstall.ts), and errors shaped as the adapter shapes OVHcloud's
 * answers (code, disposition and class from src/ovh/classify.ts). The contract suite
 * (test/contract/) keeps these in step with the simulator.
 */
import { classifyHttp } from '../../src/ovh/classify.js';
import { OvhApiError } from '../../src/ovh/errors.js';
import type {
  DedicatedServer,
  HardwareSpecifications,
  InstallProgress,
  ReinstallBody,
  Template,
  TemplateInfo,
  TemplateInput,
} from '../../src/ovh/types.js';

function input(name: string, type: TemplateInput['type'], extra: Partial<TemplateInput> = {}): TemplateInput {
  return { name, description: null, default: null, mandatory: false, type, enum: [], ...extra };
}

/** Debian 12's inputs since 2025-02 (API-NOTES §4). */
const LINUX_INPUTS = [
  input('hostname', 'hostname'),
  input('sshKey', 'sshPubKey'),
  input('postInstallationScript', 'text'),
];
/** win2025core-std_64's inputs (API-NOTES §4). */
const WINDOWS_INPUTS = [
  input('hostname', 'hostname'),
  input('language', 'enum', { enum: ['en-us', 'fr-fr'], default: 'en-us', mandatory: true }),
  input('postInstallationScript', 'text'),
  input('postInstallationScriptExtension', 'enum', { enum: ['ps1', 'cmd'], default: 'ps1', mandatory: true }),
];

function template(
  templateName: string,
  endOfInstall: string,
  family: 'linux' | 'windows',
  inputs: TemplateInput[],
): Template {
  return {
    templateName,
    description: templateName,
    category: 'basic',
    family,
    subfamily: family === 'linux' ? templateName.replace(/\d.*$/, '') : 'windows-server-core',
    endOfInstall,
    license: null,
    project: null,
    bitFormat: 64,
    distribution: templateName.replace(/_64$/, ''),
    filesystems: family === 'linux' ? ['ext4', 'xfs', 'swap'] : ['ntfs'],
    inputs: structuredClone(inputs),
    lvmReady: family === 'linux',
    noPartitioning: false,
    softRaidOnlyMirroring: false,
    rootMountpoint: family === 'linux' ? '/' : 'c:',
  };
}

/** The fake's catalog: debian11_64 ended its installs long ago. */
export function fakeCatalog(): Template[] {
  return [
    template('debian12_64', '2029-07-01', 'linux', LINUX_INPUTS),
    template('debian11_64', '2020-01-01', 'linux', LINUX_INPUTS),
    template('ubuntu2404-server_64', '2034-04-30', 'linux', LINUX_INPUTS),
    template('win2025core-std_64', '2034-10-10', 'windows', WINDOWS_INPUTS),
  ];
}

/** The `templateInfos` item of a template. */
export function infoOf(t: Template): TemplateInfo {
  const { templateName, description, category, family, subfamily, endOfInstall, license, project } = t;
  return { templateName, description, category, family, subfamily, endOfInstall, license, project };
}

/** A full dedicated.server.DedicatedWithIAM object. */
export function serverObject(
  name: string,
  serverId: number,
  fields: Pick<DedicatedServer, 'os' | 'state'>,
): DedicatedServer {
  return {
    name,
    serverId,
    os: fields.os,
    state: fields.state,
    datacenter: 'rbx8',
    ip: `192.0.2.${serverId % 250}`,
    reverse: null,
    rack: 'R01B05',
    commercialRange: 'advance-1',
    powerState: 'poweron',
    efiBootloaderPath: '\\efi\\debian\\grubx64.efi',
    bootId: 1,
    monitoring: true,
    noIntervention: false,
    professionalUse: false,
    supportLevel: 'pro',
    linkSpeed: 1000,
    rootDevice: null,
    rescueMail: null,
    newUpgradeSystem: true,
    availabilityZone: 'eu-west-rbx-a',
    region: 'eu-west-rbx',
    iam: null,
  };
}

/** An ADVANCE-1 with two SSDs in JBOD. */
export function hardwareObject(): HardwareSpecifications {
  const size = { unit: 'GB', value: 480 };
  return {
    description: 'ADVANCE-1 - AMD EPYC 4245P',
    bootMode: 'uefi',
    diskGroups: [
      {
        diskGroupId: 1,
        numberOfDisks: 2,
        diskSize: size,
        diskType: 'SSD',
        description: '2 X Disk SSD 480 GB, JBOD',
        raidController: null,
        defaultHardwareRaidSize: null,
        defaultHardwareRaidType: null,
      },
    ],
    defaultHardwareRaidSize: null,
    defaultHardwareRaidType: null,
    memorySize: { unit: 'MB', value: 65_536 },
    processorName: 'EPYC 4245P',
    processorArchitecture: 'x86_64',
    numberOfProcessors: 1,
    coresPerProcessor: 6,
    threadsPerProcessor: 12,
    formFactor: '1u',
    motherboard: 'ASRockRack B650D4U',
    expansionCards: null,
    usbKeys: null,
    defaultDiskGroupId: 1,
  };
}

export const STEP_NAMES = [
  'Checking BIOS version',
  'Cleaning Partitioning',
  'Applying Partitioning',
  'Downloading OS image',
  'Sending end of installation mail',
];
/** The step at which a failing task fails: `Downloading OS image`. */
const FAILING_STEP = 3;

/**
 * install/status `elapsed` ms into the doing phase, `fraction` of it done; a task that will fail
 * (with `failure`, its comment) stops at FAILING_STEP and, once the phase is over, shows it as `error`.
 */
export function installSteps(fraction: number, elapsed: number, failure?: string): InstallProgress {
  const reached = Math.min(STEP_NAMES.length - 1, Math.floor(fraction * STEP_NAMES.length));
  const current = failure === undefined ? reached : Math.min(reached, FAILING_STEP);
  const failed = failure !== undefined && fraction >= 1;
  return {
    elapsedTime: Math.floor(elapsed / 1000),
    progress: STEP_NAMES.map((comment, i) => {
      if (i < current) return { comment, status: 'done', error: null };
      if (i > current) return { comment, status: 'todo', error: null };
      return failed
        ? { comment, status: 'error', error: failure }
        : { comment, status: 'doing', error: null };
    }),
  };
}

/** An error answer of OVHcloud as the adapter turns it into an OvhApiError. */
export function answerError(method: string, path: string, status: number, message: string): OvhApiError {
  const c = classifyHttp(status, message);
  return new OvhApiError({
    code: c.code,
    disposition: c.disposition,
    status,
    ...(c.ovhClass ? { ovhClass: c.ovhClass } : {}),
    message,
    method,
    path,
  });
}

/** 404 for an object that does not exist, in OVHcloud's words. */
export function notFound(method: string, path: string, object: string): OvhApiError {
  return answerError(method, path, 404, `The requested object (${object}) does not exist`);
}

/** A 503 on a reinstall: it may or may not have been carried out. */
export function ambiguousError(serviceName: string): OvhApiError {
  return new OvhApiError({
    code: 'api-unavailable',
    disposition: 'transient',
    status: 503,
    ambiguous: true,
    message: 'Service Unavailable',
    method: 'POST',
    path: `/dedicated/server/${serviceName}/reinstall`,
  });
}

/**
 * The first reason OVHcloud refuses this reinstall before looking at running tasks, or null:
 * unknown OS (404), incompatible or past endOfInstall (409), customizations against the inputs (400).
 */
export function refuseBody(
  serviceName: string,
  body: ReinstallBody,
  compatible: readonly string[],
  catalog: readonly Template[],
  today: string,
): OvhApiError | null {
  const path = `/dedicated/server/${serviceName}/reinstall`;
  const os = body.operatingSystem;
  const found = catalog.find((t) => t.templateName === os);
  if (!found) return answerError('POST', path, 404, `Operating system ${os} could not be found`);
  if (!compatible.includes(os) || found.endOfInstall < today)
    return answerError(
      'POST',
      path,
      409,
      `Operating system ${os} is not compatible for server ${serviceName}`,
    );
  for (const [name, value] of Object.entries(body.customizations ?? {})) {
    const asked = found.inputs?.find((i) => i.name === name);
    if (!asked)
      return answerError('POST', path, 400, `Customization ${name} doesn't exist for operating system ${os}`);
    const problem = typeProblem(asked, value);
    if (problem)
      return answerError(
        'POST',
        path,
        400,
        `Invalid customization format for ${name} of type ${asked.type}: ${problem}`,
      );
  }
  return null;
}

/** The JSON type a value must have for an input (API-NOTES §3.4); formats are the simulator's job. */
function typeProblem(asked: TemplateInput, value: unknown): string | null {
  if (asked.type === 'boolean') return typeof value === 'boolean' ? null : 'must be a JSON boolean';
  if (asked.type === 'number') return typeof value === 'number' ? null : 'must be a JSON number';
  if (asked.type === 'keyValue')
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? null
      : 'must be a JSON object of strings';
  if (typeof value !== 'string') return 'must be a JSON string';
  if (asked.type === 'enum' && !asked.enum.includes(value))
    return `value ${value} must be one of [${asked.enum.join(', ')}]`;
  return null;
}
