/**
 * What a simulated server says to a probe: the SSH identification line its installed OS would
 * send (the OpenSSH build each distribution ships), and the small page its web server answers
 * on `GET /`, naming the server and its OS.
 */

/** OpenSSH identification lines, by template name prefix; the first match wins. */
const SSH_BANNERS: readonly [prefix: string, banner: string][] = [
  ['debian11', 'SSH-2.0-OpenSSH_8.4p1 Debian-5+deb11u3'],
  ['debian12', 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3'],
  ['debian13', 'SSH-2.0-OpenSSH_10.0p2 Debian-7'],
  ['proxmox8', 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3'],
  ['ubuntu2204', 'SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.10'],
  ['ubuntu2404', 'SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.5'],
  ['alma8', 'SSH-2.0-OpenSSH_8.0'],
  ['rocky8', 'SSH-2.0-OpenSSH_8.0'],
  ['alma9', 'SSH-2.0-OpenSSH_8.7'],
  ['rocky9', 'SSH-2.0-OpenSSH_8.7'],
  ['win', 'SSH-2.0-OpenSSH_for_Windows_9.5'],
];
const DEFAULT_BANNER = 'SSH-2.0-OpenSSH_9.2p1 Debian-2';

/** The SSH identification line (without CR LF) a server running `os` sends on connect. */
export function sshBannerFor(os: string): string {
  return SSH_BANNERS.find(([prefix]) => os.startsWith(prefix))?.[1] ?? DEFAULT_BANNER;
}

/** The body of `GET /` on a server: one line naming it and its OS. */
export function httpPageFor(serviceName: string, os: string): string {
  return `${serviceName} running ${os || 'an unknown OS'}\n`;
}
