/**
 * What a serviceName may look like before it names anything: a file `status/<name>.yaml`, a git
 * trailer, an API path. OVHcloud's dedicated server names are host names such as
 * `ns3048220.ip-51-255-75.eu` (API-NOTES §3.1): letters, digits, dots and dashes, starting with a
 * letter or digit. The spec schema says the same (`^[A-Za-z0-9][A-Za-z0-9.-]*$`); this also
 * bounds the length so that `<name>.yaml` is a valid file name (at most 200 characters), and
 * refuses `..` so that no name reads as a path. Only names that pass are ever used as file names.
 */
export const SERVICE_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]|\.(?!\.)){0,199}$/;

/** Whether `name` is usable as a serviceName (and so as a status file name). */
export function isServiceName(name: unknown): name is string {
  return typeof name === 'string' && name.length <= 200 && SERVICE_NAME.test(name);
}
