/**
 * Checks of a server spec against the API's facts (pure): template end of install relative to an
 * injected `now`, compatibility with the server, the server in the account, storage against the
 * server's hardware.
 */
import type { ErrorCode } from '../core/codes/registry.js';
import type { Severity } from '../core/diagnostic.js';
import type { CatalogFacts } from './catalog-facts.js';
import { suggestion } from './did-you-mean.js';

/** Days before endOfInstall from which a warning is given. */
export const END_OF_INSTALL_WARNING_DAYS = 90;
const DAY_MS = 86_400_000;

/** A problem found by the catalog checks: where (JSON pointer), how bad, what. */
export interface CatalogProblem {
  pointer: string;
  severity: Severity;
  code: ErrorCode;
  message: string;
}

interface SpecData {
  serviceName?: unknown;
  operatingSystem?: unknown;
  storage?: {
    diskGroupId?: number;
    hardwareRaid?: { disks?: number }[];
    partitioning?: { disks?: number };
  }[];
}

/**
 * The last instant at which a template may still be installed: the end of its endOfInstall day,
 * UTC ("after this date, install of this template will not be possible").
 */
export function endOfInstallDeadline(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) + DAY_MS;
}

// The account's names as a set, built once per facts object: `includes` on a 10,000-name list for
// each of 10,000 specs cost 0.4 s of every daemon cycle.
const ACCOUNT_SETS = new WeakMap<readonly string[], ReadonlySet<string>>();

function accountSet(names: readonly string[]): ReadonlySet<string> {
  let set = ACCOUNT_SETS.get(names);
  if (!set) {
    set = new Set(names);
    ACCOUNT_SETS.set(names, set);
  }
  return set;
}

/** Runs the catalog checks on the data of a schema-valid server spec. */
export function checkAgainstCatalog(data: unknown, facts: CatalogFacts, now: number): CatalogProblem[] {
  const spec = data as SpecData;
  const problems: CatalogProblem[] = [];
  const os = typeof spec.operatingSystem === 'string' ? spec.operatingSystem : undefined;
  const serviceName = typeof spec.serviceName === 'string' ? spec.serviceName : undefined;
  if (os !== undefined) {
    if (!Object.hasOwn(facts.endOfInstall, os)) {
      problems.push({
        pointer: '/operatingSystem',
        severity: 'error',
        code: 'os-unknown-template',
        message: `operatingSystem: "${os}" is not in the catalog${suggestion(os, Object.keys(facts.endOfInstall))}`,
      });
    } else {
      const end = facts.endOfInstall[os];
      if (end) problems.push(...endOfInstall(os, end, now));
    }
  }
  if (serviceName === undefined) return problems;
  if (!accountSet(facts.accountServers).has(serviceName)) {
    problems.push({
      pointer: '/serviceName',
      severity: 'error',
      code: 'server-not-in-account',
      message: `serviceName: "${serviceName}" is not a dedicated server of this account${suggestion(serviceName, facts.accountServers)}`,
    });
    return problems;
  }
  const server = facts.servers[serviceName];
  if (!server) return problems;
  if (os !== undefined && Object.hasOwn(facts.endOfInstall, os) && !server.compatibleTemplates.includes(os)) {
    problems.push({
      pointer: '/operatingSystem',
      severity: 'error',
      code: 'os-incompatible',
      message: `operatingSystem: ${os} is not compatible with ${serviceName} (see ovh-fleet templates --server ${serviceName})`,
    });
  }
  (spec.storage ?? []).forEach((entry, e) => {
    const wanted = entry.diskGroupId ?? 0;
    const group =
      wanted === 0 ? server.diskGroups[0] : server.diskGroups.find((g) => g.diskGroupId === wanted);
    if (!group) {
      const ids = server.diskGroups.map((g) => g.diskGroupId).join(', ');
      problems.push({
        pointer: `/storage/${e}/diskGroupId`,
        severity: 'error',
        code: 'storage-disk-group',
        message: `storage[${e}].diskGroupId: ${serviceName} has no disk group ${wanted} (it has ${ids || 'none'})`,
      });
      return;
    }
    if (entry.hardwareRaid !== undefined && entry.hardwareRaid.length > 0 && group.raidController === null) {
      problems.push({
        pointer: `/storage/${e}/hardwareRaid`,
        severity: 'error',
        code: 'storage-no-raid-controller',
        message: `storage[${e}].hardwareRaid: disk group ${group.diskGroupId} of ${serviceName} has no hardware RAID controller (${group.description})`,
      });
    }
    for (const [pointer, disks] of [
      [`/storage/${e}/partitioning/disks`, entry.partitioning?.disks],
      [`/storage/${e}/hardwareRaid/0/disks`, entry.hardwareRaid?.[0]?.disks],
    ] as const) {
      if (disks !== undefined && disks > group.numberOfDisks) {
        problems.push({
          pointer,
          severity: 'error',
          code: 'storage-too-many-disks',
          message: `${pointer
            .slice(1)
            .replace(/\/(\d+)/g, '[$1]')
            .replace(
              /\//g,
              '.',
            )}: ${disks} disks, but disk group ${group.diskGroupId} of ${serviceName} has ${group.numberOfDisks}`,
        });
      }
    }
  });
  return problems;
}

function endOfInstall(os: string, date: string, now: number): CatalogProblem[] {
  const deadline = endOfInstallDeadline(date);
  if (Number.isNaN(deadline)) return [];
  if (now >= deadline) {
    return [
      {
        pointer: '/operatingSystem',
        severity: 'error',
        code: 'os-end-of-install',
        message: `operatingSystem: ${os} reached its end of install on ${date}; OVHcloud no longer installs it`,
      },
    ];
  }
  const days = Math.ceil((deadline - now) / DAY_MS);
  if (days <= END_OF_INSTALL_WARNING_DAYS) {
    return [
      {
        pointer: '/operatingSystem',
        severity: 'warning',
        code: 'os-end-of-install-soon',
        message: `operatingSystem: ${os} reaches its end of install on ${date} (in ${days} days)`,
      },
    ];
  }
  return [];
}
