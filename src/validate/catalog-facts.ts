/**
 * What validation needs to know from the API beyond the schemas: each template's endOfInstall,
 * the servers of the account, each specified server's compatible templates and disk groups.
 * Read through the OvhApi port; absent with `--offline`.
 */
import type { Clock } from '../core/clock.js';
import type { OvhApi } from '../ovh/ovh-api.js';
import type { DiskGroup } from '../ovh/types.js';

/** One server of the account, as far as validation cares. */
export interface ServerFacts {
  /** `compatibleTemplates.ovh` plus `.personal`. */
  compatibleTemplates: string[];
  diskGroups: Pick<DiskGroup, 'diskGroupId' | 'numberOfDisks' | 'raidController' | 'description'>[];
}

/** The API facts of one validation run. Plain data: it crosses worker threads. */
export interface CatalogFacts {
  /** Milliseconds since the epoch at which the facts were read. */
  fetchedAt: number;
  /** endOfInstall (`YYYY-MM-DD` or null) of every catalog template, by name. */
  endOfInstall: Record<string, string | null>;
  /** Every service name of the account. */
  accountServers: string[];
  /** Facts of the servers the specs name and the account holds. */
  servers: Record<string, ServerFacts>;
}

/**
 * Cache lifetimes: the catalog changes rarely (new templates, dates announced months ahead), so
 * one day; the account and server facts (compatibility, hardware) one hour.
 */
export const CATALOG_TTL_MS = 24 * 3_600_000;
export const SERVER_TTL_MS = 3_600_000;

/** Reads the facts for the named servers, keeping answers for the lifetimes above. */
export interface CatalogFactsReader {
  read(serviceNames: readonly string[]): Promise<CatalogFacts>;
}

/** A reader over the API port with an in-memory cache (a long-running daemon reuses it per cycle). */
export function createCatalogFactsReader(api: OvhApi, clock: Clock): CatalogFactsReader {
  let catalog: { at: number; endOfInstall: Record<string, string | null> } | undefined;
  let account: { at: number; names: string[] } | undefined;
  const servers = new Map<string, { at: number; facts: ServerFacts }>();
  return {
    async read(serviceNames) {
      const now = clock.now();
      if (!catalog || now - catalog.at > CATALOG_TTL_MS) {
        const infos = await api.listTemplateInfos({ priority: 'background' });
        catalog = {
          at: now,
          endOfInstall: Object.fromEntries(infos.map((i) => [i.templateName, i.endOfInstall])),
        };
      }
      if (!account || now - account.at > SERVER_TTL_MS) {
        account = { at: now, names: await api.listServers({ priority: 'plan' }) };
      }
      const inAccount = new Set(account.names);
      const result: Record<string, ServerFacts> = {};
      for (const name of [...new Set(serviceNames)].sort()) {
        if (!inAccount.has(name)) continue;
        let hit = servers.get(name);
        if (!hit || now - hit.at > SERVER_TTL_MS) {
          const [compatible, hardware] = await Promise.all([
            api.getCompatibleTemplates(name, { priority: 'plan' }),
            api.getHardware(name, { priority: 'plan' }),
          ]);
          hit = {
            at: now,
            facts: {
              compatibleTemplates: [...(compatible.ovh ?? []), ...(compatible.personal ?? [])],
              diskGroups: hardware.diskGroups.map((g) => ({
                diskGroupId: g.diskGroupId,
                numberOfDisks: g.numberOfDisks,
                raidController: g.raidController,
                description: g.description,
              })),
            },
          };
          servers.set(name, hit);
        }
        result[name] = hit.facts;
      }
      return {
        fetchedAt: now,
        endOfInstall: catalog.endOfInstall,
        accountServers: account.names,
        servers: result,
      };
    },
  };
}
