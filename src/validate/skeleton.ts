/**
 * The ready-to-paste `customizations:` block that `ovh-fleet templates NAME` prints: mandatory
 * inputs filled (their default, else a placeholder that passes the schema), optional inputs
 * commented out with their default.
 */
import type { Template, TemplateInput, TemplateInputType } from '../ovh/types.js';
import { isRequiredInput, typedDefault } from './input-schemas.js';

/** A value of each type that passes its schema, to be replaced by the operator. */
const PLACEHOLDERS: Record<Exclude<TemplateInputType, 'enum'>, string> = {
  boolean: 'false',
  number: '0',
  hostname: 'change-me.example.com',
  sshPubKey: '"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIChangeMeChangeMeChangeMeChangeMeChangeMe00 change-me"',
  email: 'change-me@example.com',
  ip: '192.0.2.1',
  url: 'https://change-me.example.com/',
  uuid: '00000000-0000-4000-8000-000000000000',
  date: '"2030-01-01"',
  time: '"00:00"',
  hexstring: '"00"',
  keyValue: '{}',
  string: 'CHANGE-ME',
  text: '{file: scripts/CHANGE-ME}',
};

function yamlScalar(value: string | number | boolean): string {
  if (typeof value !== 'string') return String(value);
  return /^[A-Za-z0-9_./@-][A-Za-z0-9_./@ -]*$/.test(value) && !/^(true|false|null|~|[0-9.+-]+)$/i.test(value)
    ? value
    : JSON.stringify(value);
}

function valueOf(input: TemplateInput): string {
  const fallback = typedDefault(input);
  if (fallback !== undefined) return yamlScalar(fallback);
  if (input.type === 'enum') return yamlScalar(input.enum[0] ?? 'CHANGE-ME');
  return PLACEHOLDERS[input.type];
}

function comment(input: TemplateInput): string {
  const kind = input.type === 'enum' ? `enum: ${input.enum.join(', ')}` : input.type;
  const need = isRequiredInput(input)
    ? 'mandatory, replace'
    : input.mandatory
      ? 'mandatory, default'
      : 'optional';
  return `# ${kind}; ${need}${input.description ? ` — ${input.description}` : ''}`;
}

/** The `customizations:` YAML block of a template (`customizations: {}` when it has no inputs). */
export function customizationsSkeleton(template: Template): string {
  const inputs = template.inputs ?? [];
  if (inputs.length === 0) return 'customizations: {}\n';
  // With no mandatory input the block would be empty (null, refused): write `{}` and the optional
  // inputs as comments below it; the operator drops `{}` when uncommenting one.
  const anyMandatory = inputs.some((i) => i.mandatory);
  const lines = [
    anyMandatory ? 'customizations:' : 'customizations: {}  # remove {} when you uncomment an input',
  ];
  for (const input of inputs) {
    const line = `${input.name}: ${valueOf(input)}`;
    lines.push(input.mandatory ? `  ${line}  ${comment(input)}` : `  # ${line}  ${comment(input)}`);
  }
  return `${lines.join('\n')}\n`;
}
