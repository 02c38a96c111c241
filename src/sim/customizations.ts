/**
 * Checks reinstall `customizations` against the chosen template's `inputs` the way OVHcloud
 * describes it (API-NOTES §3.4, §7): an unknown key gives 400 CustomizationName, a value of the
 * wrong JSON type or format gives 400 CustomizationInvalidFormat (hostname format errors included,
 * as the issue asks), and a mandatory input without default that is not answered gives
 * 400 `Client::BadRequest::CustomizationMandatory` — a class the simulator INVENTS because
 * OVHcloud's real class for that case is not recorded (API-NOTES §10.1).
 */
import type { Template, TemplateInput } from '../ovh/types.js';
import { classError, ovhError, type SimHttpError } from './error-templates.js';

const HOSTNAME_LABEL = /^[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const SSH_KEY =
  /^(ssh-(rsa|dss|ed25519)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/]+={0,3}( [^\r\n]*)?$/;
const FORMATS: Partial<Record<TemplateInput['type'], [RegExp, string]>> = {
  email: [/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'must be an email address'],
  url: [/^(https?|ftp):\/\/[^\s]+$/, 'must be an http, https or ftp URL'],
  ip: [/^(\d{1,3}\.){3}\d{1,3}$|^[0-9a-fA-F:]+:[0-9a-fA-F:]*$/, 'must be an IPv4 or IPv6 address'],
  uuid: [/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a UUID'],
  hexstring: [/^[0-9a-fA-F]+$/, 'must be a hexadecimal string'],
  date: [/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD'],
  time: [/^\d{2}:\d{2}(:\d{2})?$/, 'must be a time HH:MM[:SS]'],
};

function invalid(input: TemplateInput, msg: string): SimHttpError {
  return ovhError('Client::BadRequest::CustomizationInvalidFormat', {
    name: input.name,
    type: input.type,
    msg,
  });
}

function checkHostname(input: TemplateInput, value: string): SimHttpError | null {
  if (value.length > 255)
    return invalid(
      input,
      `hostname is ${value.length} long, more than 255 characters (RFC 1035, section 2.3.4)`,
    );
  for (const label of value.split('.')) {
    if (!HOSTNAME_LABEL.test(label)) {
      return invalid(
        input,
        `invalid label ${JSON.stringify(label)}; must contain no more than 63 characters, start with a letter, end with a letter or a digit and contain only letters, digits and hyphens, see RFC 1035, section 2.3.1`,
      );
    }
  }
  return null;
}

function checkValue(input: TemplateInput, value: unknown): SimHttpError | null {
  switch (input.type) {
    case 'boolean':
      return typeof value === 'boolean' ? null : invalid(input, 'must be a JSON boolean');
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
        ? null
        : invalid(input, 'must be a JSON number');
    case 'keyValue': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return invalid(input, 'must be a JSON object of strings');
      }
      const nonString = Object.entries(value).find(([, v]) => typeof v !== 'string');
      return nonString ? invalid(input, `value of key ${nonString[0]} must be a string`) : null;
    }
    default:
      break;
  }
  if (typeof value !== 'string') return invalid(input, 'must be a JSON string');
  if (input.type === 'enum' && !input.enum.includes(value)) {
    return invalid(input, `value ${value} must be one of [${input.enum.join(', ')}]`);
  }
  if (input.type === 'hostname') return checkHostname(input, value);
  if (input.type === 'sshPubKey' && value !== '' && !SSH_KEY.test(value.trim())) {
    return invalid(input, 'must be an OpenSSH public key such as "ssh-ed25519 AAAA... comment"');
  }
  const format = FORMATS[input.type];
  if (format && !format[0].test(value)) return invalid(input, format[1]);
  return null;
}

/** The first problem of `customizations` for `template`, or null when they are acceptable. */
export function checkCustomizations(
  template: Template,
  customizations: Record<string, unknown> | undefined,
): SimHttpError | null {
  const inputs = template.inputs ?? [];
  const given = customizations ?? {};
  for (const [name, value] of Object.entries(given)) {
    const input = inputs.find((i) => i.name === name);
    if (!input) {
      return ovhError('Client::BadRequest::CustomizationName', {
        customizationName: name,
        operatingSystem: template.templateName,
      });
    }
    const error = checkValue(input, value);
    if (error) return error;
  }
  for (const input of inputs) {
    if (input.mandatory && input.default === null && given[input.name] === undefined) {
      return classError(
        400,
        'Client::BadRequest::CustomizationMandatory',
        `Customization ${input.name} is mandatory for operating system ${template.templateName}`,
      );
    }
  }
  return null;
}
