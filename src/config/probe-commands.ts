/**
 * The daemon configuration's `probes.allowCommands` (docs/verification.md, "Command probes"). A
 * command probe is code from the fleet repository run on the daemon host, next to the OVHcloud
 * credentials, so fleet.yaml alone cannot enable it: the daemon's own configuration must list the
 * path, optionally pinned to one content by its sha256. Parsed here, where the configuration is
 * checked (a bad entry is a configuration error at start-up); src/verify runs what it allows.
 */

/** One allowed command: a repository-relative path, and the sha256 its content must have (or null). */
export interface CommandAllowEntry {
  path: string;
  sha256: string | null;
}

/** What the daemon host allows. */
export interface CommandHost {
  /** The fleet folder of the daemon's clone (where fleet.yaml is); command paths are relative to it. */
  root: string;
  allow: readonly CommandAllowEntry[];
  /**
   * A private folder (mode 0700) on a filesystem that allows executing files: each run copies the
   * checked bytes there and runs the copy, so what runs is exactly what was checked.
   */
  scratchDir: string;
}

/**
 * Parses `probes.allowCommands`: comma-separated entries `PATH` or `PATH@sha256:HEX`, PATH
 * repository-relative (no leading /, no `.` or `..` segment). Empty text: nothing is allowed.
 * Returns a sentence when an entry is not usable.
 */
export function parseCommandAllowList(text: string): CommandAllowEntry[] | string {
  const entries: CommandAllowEntry[] = [];
  for (const raw of text.split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    const at = item.indexOf('@');
    const file = at < 0 ? item : item.slice(0, at);
    const pin = at < 0 ? null : item.slice(at + 1);
    const pinOk =
      pin === null || (pin.length === 71 && pin.startsWith('sha256:') && /^[0-9a-f]+$/.test(pin.slice(7)));
    const fileOk =
      file !== '' &&
      !/[\s\\]/.test(file) &&
      file.split('/').every((p) => p !== '' && p !== '.' && p !== '..');
    if (!pinOk || !fileOk)
      return `${JSON.stringify(item)} is not PATH or PATH@sha256:<64 lowercase hex>, PATH inside the fleet repository`;
    entries.push({ path: file, sha256: pin === null ? null : pin.slice(7) });
  }
  return entries;
}
