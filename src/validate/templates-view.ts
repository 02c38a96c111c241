/**
 * What `ovh-fleet templates` shows (pure): the catalog list with end-of-install marks, the
 * templates compatible with a server and its disk groups, one template in full.
 */
import type { DiskGroup, Template, TemplateInfo } from '../ovh/types.js';
import { endOfInstallDeadline, END_OF_INSTALL_WARNING_DAYS } from './catalog-checks.js';
import { customizationsSkeleton } from './skeleton.js';

const DAY_MS = 86_400_000;

/** `past`, `soon` (within 90 days) or `ok`, relative to `now`. */
export function endOfInstallStatus(endOfInstall: string | null, now: number): 'past' | 'soon' | 'ok' {
  if (!endOfInstall) return 'ok';
  const deadline = endOfInstallDeadline(endOfInstall);
  if (now >= deadline) return 'past';
  return deadline - now <= END_OF_INSTALL_WARNING_DAYS * DAY_MS ? 'soon' : 'ok';
}

/** One row of the catalog list. */
export interface TemplateRow {
  name: string;
  description: string;
  family: string;
  endOfInstall: string | null;
  status: 'past' | 'soon' | 'ok';
  license: string;
}

/** The catalog as rows sorted by name. */
export function templateRows(infos: readonly TemplateInfo[], now: number): TemplateRow[] {
  return [...infos]
    .sort((a, b) => a.templateName.localeCompare(b.templateName))
    .map((i) => ({
      name: i.templateName,
      description: i.description,
      family: i.family,
      endOfInstall: i.endOfInstall,
      status: endOfInstallStatus(i.endOfInstall, now),
      license: i.license?.os.name.join(', ') ?? '',
    }));
}

const MARK = {
  past: '  (end of install passed)',
  soon: '  (end of install within 90 days)',
  ok: '',
} as const;

/** Aligned text table of the rows. */
export function renderRows(rows: readonly TemplateRow[]): string {
  const head = ['NAME', 'DESCRIPTION', 'FAMILY', 'END OF INSTALL', 'LICENSE'];
  const cells = rows.map((r) => [r.name, r.description, r.family, r.endOfInstall ?? '-', r.license]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string =>
    c.map((x, i) => (i < c.length - 1 ? x.padEnd(widths[i]!) : x)).join('  ');
  return [line(head), ...cells.map((c, i) => `${line(c)}${MARK[rows[i]!.status]}`)].join('\n') + '\n';
}

/** The disk groups of a server, one per line. */
export function renderDiskGroups(groups: readonly DiskGroup[]): string {
  return groups
    .map(
      (g) =>
        `  disk group ${g.diskGroupId}: ${g.description} (${g.numberOfDisks} disks, ${g.raidController ? `RAID controller ${g.raidController}` : 'no RAID controller'})`,
    )
    .join('\n');
}

/** One template in full, with its customizations skeleton. */
export function renderTemplate(t: Template, now: number): string {
  const status = endOfInstallStatus(t.endOfInstall, now);
  const lines = [
    `${t.templateName}: ${t.description}`,
    `  family: ${t.family} / ${t.subfamily}, distribution: ${t.distribution}, category: ${t.category}`,
    `  project: ${t.project?.os.name ?? '-'} ${t.project?.os.version ?? ''}`.trimEnd(),
    `  license: ${t.license?.os.name.join(', ') || '-'}`,
    `  end of install: ${t.endOfInstall}${MARK[status]}`,
    `  file systems: ${t.filesystems.join(', ')}`,
    `  softRaidOnlyMirroring: ${t.softRaidOnlyMirroring}, lvmReady: ${t.lvmReady ?? false}, noPartitioning: ${t.noPartitioning}${t.rootMountpoint ? `, root mount point: ${t.rootMountpoint}` : ''}`,
    '  inputs:',
    ...(t.inputs ?? []).map(
      (i) =>
        `    ${i.name}: ${i.type}${i.mandatory ? ', mandatory' : ''}${i.default !== null && i.default !== '' ? `, default ${JSON.stringify(i.default)}` : ''}${i.enum.length > 0 ? `, one of ${i.enum.join(', ')}` : ''}${i.description ? ` — ${i.description}` : ''}`,
    ),
    '',
    '# ready to paste into a server spec:',
    customizationsSkeleton(t).trimEnd(),
  ];
  if ((t.inputs ?? []).length === 0) lines.splice(lines.indexOf('  inputs:') + 1, 0, '    (none)');
  return `${lines.join('\n')}\n`;
}
