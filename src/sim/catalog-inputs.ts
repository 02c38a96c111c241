/**
 * The `inputs` (questions) of each simulated template. Where OVHcloud documents a template's
 * inputs (API-NOTES §4: debian13_64, debian12_64, win2025core-std_64, win2022core-std_64,
 * byoi_64, byolinux_64) they are reproduced as recorded there; the others are PLAUSIBLE
 * inventions modelled on them (marked below).
 */
import type { TemplateInput, TemplateInputType } from '../ovh/types.js';

function input(
  name: string,
  type: TemplateInputType,
  description: string,
  options: { default?: string | null; mandatory?: boolean; enum?: string[] } = {},
): TemplateInput {
  return {
    name,
    description,
    default: options.default === undefined ? null : options.default,
    mandatory: options.mandatory ?? false,
    type,
    enum: options.enum ?? [],
  };
}

const hostname = input('hostname', 'hostname', 'Custom hostname', { default: '' });
const sshKey = input('sshKey', 'sshPubKey', 'SSH Public Key', { default: '' });
const postInstallationScript = input('postInstallationScript', 'text', 'Post-Installation Script');
const configDriveMetadata = input('configDriveMetadata', 'keyValue', 'Config Drive Metadata', {
  default: '',
});
const configDriveUserData = input('configDriveUserData', 'text', 'Config Drive UserData');
const enableLacpBonding = input('enableLacpBonding', 'boolean', 'Enable LACP bonding', { default: 'false' });
const httpHeaders = input('httpHeaders', 'keyValue', 'Image HTTP Headers');
const imageCheckSum = input('imageCheckSum', 'string', 'Image checksum');
const imageCheckSumType = input('imageCheckSumType', 'enum', 'Checksum type', {
  enum: ['md5', 'sha1', 'sha256', 'sha512'],
});
const scriptExtension = input(
  'postInstallationScriptExtension',
  'enum',
  'Post-Installation Script File Extension',
  { default: 'ps1', mandatory: true, enum: ['ps1', 'cmd'] },
);

/** Recorded (API-NOTES §4, S9 2026-08): all optional. */
export const DEBIAN13_INPUTS: TemplateInput[] = [
  hostname,
  sshKey,
  postInstallationScript,
  configDriveMetadata,
  enableLacpBonding,
];

/** Recorded (API-NOTES §4, docs 2025-02 and later). */
export const DEBIAN12_INPUTS: TemplateInput[] = [hostname, sshKey, postInstallationScript];

/** PLAUSIBLE (not recorded): Linux templates other than debian12/13 (debian11, ubuntu, alma, rocky). */
export const LINUX_INPUTS: TemplateInput[] = [hostname, sshKey, postInstallationScript];

/** PLAUSIBLE (not recorded): ubuntu 24.04 also takes the config-drive metadata and LACP switch. */
export const UBUNTU2404_INPUTS: TemplateInput[] = [
  hostname,
  sshKey,
  postInstallationScript,
  configDriveMetadata,
  enableLacpBonding,
];

/** PLAUSIBLE (not recorded): Proxmox VE asks for a hostname and a key only. */
export const PROXMOX_INPUTS: TemplateInput[] = [hostname, sshKey];

/** Recorded (API-NOTES §4, S9): language and script extension are mandatory. */
export const WIN2025_INPUTS: TemplateInput[] = [
  input('hostname', 'hostname', 'Custom hostname'),
  input('language', 'enum', 'Display Language', {
    default: 'en-us',
    mandatory: true,
    enum: ['en-us', 'fr-fr'],
  }),
  postInstallationScript,
  scriptExtension,
  enableLacpBonding,
];

/** Recorded (API-NOTES §4, S14 2024-10 and 2025-06). */
export const WIN2022_INPUTS: TemplateInput[] = [
  input('language', 'enum', 'Display Language', { default: 'en-us', enum: ['en-us', 'fr-fr'] }),
  postInstallationScript,
  scriptExtension,
];

/** Recorded (API-NOTES §4, S13): imageURL, imageType and efiBootloaderPath are mandatory. */
export const BYOI_INPUTS: TemplateInput[] = [
  input('imageURL', 'url', 'Image URL', { mandatory: true }),
  input('imageType', 'enum', 'Image Type', { mandatory: true, enum: ['qcow2', 'raw'] }),
  input('efiBootloaderPath', 'string', 'Path of the EFI bootloader from the OS installed on the server', {
    mandatory: true,
  }),
  hostname,
  sshKey,
  imageCheckSum,
  imageCheckSumType,
  configDriveUserData,
  configDriveMetadata,
  httpHeaders,
];

/**
 * Recorded (API-NOTES §4, S12): "only imageURL is mandatory" — the simulator follows that sentence
 * and leaves efiBootloaderPath optional; no postInstallationScript.
 */
export const BYOLINUX_INPUTS: TemplateInput[] = [
  input('imageURL', 'url', 'Image URL', { mandatory: true }),
  input('efiBootloaderPath', 'string', 'Path of the EFI bootloader from the OS installed on the server'),
  hostname,
  sshKey,
  imageCheckSum,
  imageCheckSumType,
  configDriveUserData,
  configDriveMetadata,
  httpHeaders,
];
