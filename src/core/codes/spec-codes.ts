import type { CodeTable, NextStep } from './registry.js';

/** A problem of the repository's files: exit code 1, and (unless said otherwise) only a commit fixes it. */
const fix = (
  action: string,
  next: NextStep = 'wait-for-commit',
): { action: string; exitCode: 1; next: NextStep } => ({ action, exitCode: 1, next });

/** Diagnostics of reading the repository: YAML hazards, references, duplicates (src/specs). */
export const SPEC_CODES = {
  'yaml-syntax': {
    summary: 'The file is not valid YAML.',
    ...fix('Correct the YAML at the position shown (an editor with a YAML mode helps).'),
  },
  'yaml-duplicate-key': {
    summary: 'A mapping declares the same key twice; YAML forbids it and the value would be ambiguous.',
    ...fix('Keep one of the two keys.'),
  },
  'yaml-tab-indent': {
    summary: 'A line is indented with a tab character; YAML only allows spaces for indentation.',
    ...fix('Replace the tabs at the start of the line with spaces.'),
  },
  'yaml-multiple-documents': {
    summary: 'The file holds more than one YAML document (`---`); a spec file holds exactly one.',
    ...fix('Put each server in its own file.'),
  },
  'yaml-alias-limit': {
    summary: 'The file uses anchors and aliases beyond the allowed limit (a resource-exhaustion guard).',
    ...fix(
      'Write the values out instead of using many anchors and aliases (at most 20 alias uses and 100 anchors per file).',
    ),
  },
  'yaml-unknown-tag': {
    summary: 'The file uses a YAML tag (`!name`) that ovh-fleet does not know.',
    ...fix('Remove the tag; use `{file: PATH}` or `{env: NAME}` for content from elsewhere.'),
  },
  'yaml-not-utf8': {
    summary: 'The file is not valid UTF-8 text.',
    ...fix('Save the file as UTF-8.'),
  },
  'yaml-empty': {
    summary: 'The file is empty or holds only comments.',
    ...fix('Write the spec, or delete the file to stop managing the server.'),
  },
  'file-too-large': {
    summary: 'The file exceeds the size limit of a repository YAML file (256 KiB).',
    ...fix('A server spec is a few hundred bytes; move large content into referenced files.'),
  },
  'yaml-too-deep': {
    summary:
      'Collections are nested deeper than the limit (32 levels; files nested past an estimated 64 levels are refused before parsing).',
    ...fix('Flatten the structure; no valid spec needs that depth.'),
  },
  'yaml-too-complex': {
    summary:
      'The file has more YAML keys or tokens than the limit (1,000 keys, 20,000 tokens): a resource-exhaustion guard.',
    ...fix('A spec has a few dozen keys; split the content or move it into referenced files.'),
  },
  'yaml-version-unsupported': {
    summary:
      'The file declares a YAML version other than 1.2 (`%YAML 1.1`). ovh-fleet reads YAML 1.2, as editors and the schemas do; under 1.1, `on`, `yes`, `off` and `0755` would mean something else than what a reviewer reads.',
    ...fix(
      'Remove the %YAML directive (YAML 1.2 is the default) and write the values as YAML 1.2 reads them.',
    ),
  },
  'yaml-not-mapping': {
    summary: 'The top-level value of the file is not a mapping (key: value).',
    ...fix('Write the spec as a mapping with apiVersion, kind, serviceName, ...'),
  },
  'file-unreadable': {
    summary: 'A repository file could not be read (permissions, I/O error).',
    ...fix('Check the file permissions for the user that runs ovh-fleet.', 'operator'),
  },
  'symlink-refused': {
    summary:
      'A file or folder of the fleet repository (servers/ or a folder under it, a spec, fleet.yaml, status/, a file a `{file}` reference names, or a folder on the way to it) is a symbolic link: ovh-fleet follows no link in the repository, wherever it leads.',
    ...fix('Replace the link with the file or folder itself.'),
  },
  'ref-forbidden-path': {
    summary:
      'A `{file: PATH}` reference names a file under status/ (written by ovh-fleet) or under a folder or file whose name starts with a dot (.git, .github, ...): those are never sent to a server.',
    ...fix('Keep referenced files in ordinary folders such as scripts/ or files/.'),
  },
  'spec-structure': {
    summary: 'A field of a spec has a shape that ovh-fleet cannot use (wrong type, missing required field).',
    ...fix('Correct the field named in the message; the JSON Schema in schemas/ describes every field.'),
  },
  'ref-outside-repo': {
    summary:
      'A `{file: PATH}` reference leaves the repository (`..` or an absolute path; a symbolic link is `symlink-refused`).',
    ...fix('Reference a file inside the repository with a path relative to its root.'),
  },
  'ref-missing': {
    summary: 'A `{file: PATH}` reference names a file that does not exist.',
    ...fix('Add the file to the repository or correct the path (relative to the repository root).'),
  },
  'ref-not-file': {
    summary: 'A `{file: PATH}` reference names a directory or another non-regular file.',
    ...fix('Reference a regular file.'),
  },
  'ref-too-large': {
    summary:
      'A referenced file exceeds the customization size limit (32 KiB, 24 KiB for base64-encoded fields).',
    ...fix('Make the file smaller, e.g. let the script download the rest.'),
  },
  'ref-not-utf8': {
    summary: 'A referenced file is not valid UTF-8 text.',
    ...fix('Save the file as UTF-8 text; binary content cannot be sent as a customization.'),
  },
  'ref-invalid': {
    summary:
      'A reference object is malformed: it must be exactly `{file: PATH}` or `{env: NAME}` with a non-empty string.',
    ...fix('Write `{file: scripts/x.sh}` or `{env: NAME}` with no other keys.'),
  },
  'env-name-invalid': {
    summary: 'An `{env: NAME}` reference names an invalid environment variable (`^[A-Za-z_][A-Za-z0-9_]*$`).',
    ...fix('Use letters, digits and underscores, not starting with a digit.'),
  },
  'env-not-allowed': {
    summary:
      "An `{env: NAME}` reference names a variable the secrets allow-list does not allow (default `FLEET_SECRET_*`, set by OVH_FLEET_SECRETS_ALLOW), or one of the process's own variables (OVHcloud credentials, `OVH_*`, PATH, HOME, NODE_*, ...), which no allow-list makes readable. Outside validation, the executor refuses the same names.",
    ...fix(
      'Give the secret a name the allow-list matches (e.g. `FLEET_SECRET_IMAGE_TOKEN`), or add it to OVH_FLEET_SECRETS_ALLOW (daemon: `secrets.allow`) wherever ovh-fleet runs (CI and daemon).',
    ),
  },
  'service-name-invalid': {
    summary:
      'serviceName is not an OVHcloud service name: letters, digits, dots and dashes, starting with a letter or digit, no `..`, at most 200 characters. The file is invalid and its name is never used (no status file, no API call).',
    ...fix(
      'Write the name exactly as OVHcloud shows it, e.g. ns5001234.ip-51-75-1.eu (`ovh-fleet import` lists them).',
    ),
  },
  'duplicate-service-name': {
    summary: 'Two spec files declare the same serviceName; both are invalid until one is removed.',
    ...fix('Keep one file per server: delete or correct one of the files named in the message.'),
  },
  'policy-invalid': {
    summary:
      'A field of fleet.yaml has a value ovh-fleet cannot use; all reinstalls are suspended until it is fixed.',
    ...fix('Correct the field named in the message (DESIGN.md section 1.2 describes fleet.yaml).'),
  },
  'policy-unknown-key': {
    summary:
      'fleet.yaml holds a key that ovh-fleet does not know (often a typo); all reinstalls are suspended.',
    ...fix('Correct or remove the key.'),
  },
  'policy-invalid-duration': {
    summary: 'A duration in fleet.yaml is not a positive number of h, m or s (e.g. `4h`, `90m`, `1h30m`).',
    ...fix('Write the duration as e.g. `4h`, `90m`, `30s` or `1h30m`.'),
  },
  'policy-invalid-cron': {
    summary: 'A maintenance window has a cron expression node-cron does not accept.',
    ...fix('Use 5 fields (minute hour day month weekday) or 6 with seconds, e.g. `0 2 * * 6`.'),
  },
  'policy-invalid-timezone': {
    summary: 'A maintenance window names a time zone that is not an IANA time zone.',
    ...fix('Use a name such as `Europe/Paris` or `UTC`.'),
  },
} as const satisfies CodeTable;
