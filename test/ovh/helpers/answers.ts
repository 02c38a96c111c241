/** Valid API answers, shaped like OVHcloud's documented examples. */
export const SERVER = {
  name: 'ns5001234.ip-51-75-1.eu',
  serverId: 5001234,
  os: 'debian12_64',
  state: 'ok',
  datacenter: 'gra3',
  ip: '51.75.1.10',
  reverse: null,
  rack: 'G312A12',
  commercialRange: 'advance',
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
  availabilityZone: 'eu-west-gra-a',
  region: 'eu-west-gra',
  iam: {
    id: '2f3c0d4e-1111-4a4a-9b9b-123456789abc',
    urn: 'urn:v1:eu:resource:dedicatedServer:ns5001234.ip-51-75-1.eu',
  },
  extraFieldFromTheFuture: 42,
};

export const TASK = {
  taskId: 563254948,
  function: 'reinstallServer',
  status: 'doing',
  comment: 'Start bare metal OS installation',
  startDate: '2026-11-27T12:00:00+01:00',
  doneDate: null,
  lastUpdate: '2026-11-27T12:03:00+01:00',
  needSchedule: false,
  note: null,
  plannedInterventionId: null,
  tags: null,
  ticketReference: null,
};

export const TASK_RESPONSE = {
  comment: 'Start bare metal OS installation',
  doneDate: null,
  function: 'reinstallServer',
  startDate: '2024-11-20T15:22:14.449Z',
  status: 'init',
  taskId: 0,
};

export const PROGRESS = {
  elapsedTime: 65,
  progress: [
    { comment: 'Checking BIOS version', status: 'done', error: null },
    { comment: 'Preparing disks for new Partitioning', status: 'doing', error: null },
  ],
};
