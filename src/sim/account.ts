/**
 * The seeded account of the simulator: `count` servers with realistic service names, varied
 * hardware, per-server compatible templates and current OS. Only the PRNG decides, so the same
 * (count, seed) always gives the same account, byte for byte. Whatever the seed, when the account
 * has at least 6 servers the third one has `os: ""` and the sixth runs `none_64` (a name not in
 * the catalog), the two unclear answers the planner must handle.
 */
import { createPrng, type Prng } from './prng.js';
import { defaultEfiBootloaderPath } from './catalog.js';
import { HARDWARE_PROFILES, compatibleTemplatesFor } from './hardware-profiles.js';
import type { SimDedicatedServer, SimServer } from './types.js';

interface Datacenter {
  datacenter: string;
  region: string;
  zone: string;
  /** First two octets of the IPv4 ranges used there. */
  prefixes: readonly string[];
  tld: 'eu' | 'net';
}

const DATACENTERS: readonly Datacenter[] = [
  {
    datacenter: 'gra3',
    region: 'eu-west-gra',
    zone: 'eu-west-gra-a',
    prefixes: ['51.75', '51.210', '54.37'],
    tld: 'eu',
  },
  {
    datacenter: 'rbx8',
    region: 'eu-west-rbx',
    zone: 'eu-west-rbx-a',
    prefixes: ['51.91', '137.74', '145.239'],
    tld: 'eu',
  },
  {
    datacenter: 'sbg5',
    region: 'eu-west-sbg',
    zone: 'eu-west-sbg-a',
    prefixes: ['51.83', '141.94'],
    tld: 'eu',
  },
  {
    datacenter: 'bhs8',
    region: 'ca-east-bhs',
    zone: 'ca-east-bhs-a',
    prefixes: ['51.79', '144.217'],
    tld: 'net',
  },
  {
    datacenter: 'waw1',
    region: 'eu-central-waw',
    zone: 'eu-central-waw-a',
    prefixes: ['51.68', '57.128'],
    tld: 'eu',
  },
];

/** OSes installed on seeded servers, weighted by repetition. */
const INSTALLED = [
  'debian12_64',
  'debian12_64',
  'debian12_64',
  'debian11_64',
  'ubuntu2204-server_64',
  'ubuntu2404-server_64',
  'alma9_64',
  'rocky9_64',
  'debian13_64',
  'proxmox8_64',
  'win2022core-std_64',
];

function uuid(prng: Prng): string {
  const h = prng.hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function pickOs(prng: Prng, compatible: readonly string[]): string {
  const candidates = INSTALLED.filter((os) => compatible.includes(os));
  return candidates.length > 0 ? prng.pick(candidates) : 'debian12_64';
}

/** Builds the account for `count` servers and `seed`. */
export function buildAccount(count: number, seed: number): SimServer[] {
  const prng = createPrng(seed);
  const servers: SimServer[] = [];
  const used = new Set<string>();
  for (let i = 0; i < count; i++) {
    const profile = HARDWARE_PROFILES[i % HARDWARE_PROFILES.length] ?? HARDWARE_PROFILES[0];
    if (!profile) throw new Error('no hardware profile');
    const dc = prng.pick(DATACENTERS);
    const prefix = prng.pick(dc.prefixes);
    const third = prng.int(1, 254);
    const fourth = prng.int(1, 254);
    let name = '';
    do {
      name = `ns${prng.int(5_000_000, 5_999_999)}.ip-${prefix.replace('.', '-')}-${third}.${dc.tld}`;
    } while (used.has(name));
    used.add(name);
    const compatible = compatibleTemplatesFor(profile);
    let os = pickOs(prng, compatible);
    if (count >= 6 && i === 2) os = '';
    if (count >= 6 && i === 5) os = 'none_64';
    const server: SimDedicatedServer = {
      name,
      serverId: prng.int(1_000_000, 9_999_999),
      os,
      state: 'ok',
      datacenter: dc.datacenter,
      ip: `${prefix}.${third}.${fourth}`,
      reverse: name,
      rack: `${dc.datacenter.toUpperCase().slice(0, 1)}${prng.int(100, 199)}${String.fromCharCode(65 + prng.int(0, 5))}${String(prng.int(1, 40)).padStart(2, '0')}`,
      commercialRange: profile.commercialRange,
      powerState: 'poweron',
      efiBootloaderPath: os ? defaultEfiBootloaderPath(os) : null,
      bootId: 1,
      bootScript: null,
      monitoring: true,
      noIntervention: false,
      professionalUse: false,
      supportLevel: prng.pick(['pro', 'pro', 'critical', 'fastpath'] as const),
      linkSpeed: profile.linkSpeed,
      rootDevice: null,
      rescueMail: null,
      rescueSshKey: null,
      newUpgradeSystem: true,
      availabilityZone: dc.zone,
      region: dc.region,
      iam: {
        id: uuid(prng),
        urn: `urn:v1:${dc.tld === 'net' ? 'ca' : 'eu'}:resource:dedicatedServer:${name}`,
        displayName: name,
      },
    };
    servers.push({
      server,
      hardware: structuredClone(profile.hardware),
      compatibleTemplates: { ovh: compatible, personal: [] },
    });
  }
  return servers;
}
