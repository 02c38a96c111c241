/**
 * Turning what OVHcloud reports about a server into a spec that declares exactly what it runs
 * now (`ovh-fleet import`). Pure: the command does the I/O. A server whose installed OS cannot be
 * declared (empty, not in the catalog, past its end of install) gets no spec but a reason, so that
 * the first plan of an imported fleet adopts every server it names and reinstalls nothing.
 */
import { stringify } from 'yaml';
import { isServiceName } from '../core/service-name.js';
import type { DedicatedServer, Template, TemplateInfo } from '../ovh/types.js';

/** What import decides for one server. */
export type ImportDecision =
  | { kind: 'spec'; serviceName: string; fileName: string; text: string }
  | { kind: 'skipped'; serviceName: string; reason: string };

/** RFC 1035 host name, as OVHcloud checks the `hostname` input. */
const HOSTNAME =
  /^(?=.{1,253}$)([A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/**
 * The spec for one server. `schemaComment` is the `$schema` path written in the first line;
 * `today` (YYYY-MM-DD) decides whether the template is past its end of install.
 */
export function importServer(
  server: DedicatedServer,
  catalog: { infos: ReadonlyMap<string, TemplateInfo>; templates: ReadonlyMap<string, Template> },
  options: { today: string; schemaPath: string },
): ImportDecision {
  const serviceName = server.name;
  // The name becomes a file name: only a service name (core/service-name.ts) is ever used.
  if (!isServiceName(serviceName)) {
    return { kind: 'skipped', serviceName, reason: 'the name OVHcloud reports is not a usable service name' };
  }
  if (server.os === '') return { kind: 'skipped', serviceName, reason: 'OVHcloud reports no installed OS' };
  const info = catalog.infos.get(server.os);
  if (!info)
    return { kind: 'skipped', serviceName, reason: `installed OS "${server.os}" is not in the catalog` };
  if (info.endOfInstall !== null && info.endOfInstall < options.today) {
    return {
      kind: 'skipped',
      serviceName,
      reason: `${server.os} is past its end of install (${info.endOfInstall}): choose the OS to declare`,
    };
  }
  const inputs = catalog.templates.get(server.os)?.inputs ?? [];
  const hostname = (server.reverse ?? '').replace(/\.$/, '');
  const customizations: Record<string, string> = {};
  if (inputs.some((i) => i.name === 'hostname') && HOSTNAME.test(hostname))
    customizations.hostname = hostname;
  const spec = {
    apiVersion: 'ovh-fleet/v1',
    kind: 'Server',
    serviceName,
    labels: { datacenter: server.datacenter, rack: server.rack },
    operatingSystem: server.os,
    ...(Object.keys(customizations).length > 0 ? { customizations } : {}),
    reinstall: { generation: 1, protect: false },
  };
  const header = [
    `# yaml-language-server: $schema=${options.schemaPath}`,
    `# Imported from OVHcloud on ${options.today}: declares the OS the server runs now.`,
  ];
  return {
    kind: 'spec',
    serviceName,
    fileName: `${serviceName}.yaml`,
    text: `${header.join('\n')}\n${stringify(spec, { lineWidth: 0 })}`,
  };
}
