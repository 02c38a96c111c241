import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/core/diagnostic.js';
import { createFileValidator } from '../../src/validate/file-validator.js';
import { generateSchemas } from '../../src/validate/generate-schemas.js';
import { fixtureCatalog, FIXTURE_META } from './helpers.js';
import { parsed } from './parse.js';

const validate = createFileValidator(generateSchemas(fixtureCatalog(), FIXTURE_META));

describe('each ajv keyword is reported at the YAML position of the field', () => {
  it.each([
    // [keyword, spec, expected FILE:LINE:COL severity CODE]
    [
      'required (parent map)',
      'apiVersion: ovh-fleet/v1\nkind: Server\noperatingSystem: debian12_64\n',
      '1:1 error schema-required',
    ],
    [
      'additionalProperties (the key)',
      'apiVersion: ovh-fleet/v1\nkind: Server\nserviceName: ns1\noperatingSystem: debian12_64\nreinstall:\n  generation: 1\n  protected: true\n',
      '7:3 error schema-unknown-field',
    ],
    [
      'type (the value)',
      'apiVersion: ovh-fleet/v1\nkind: Server\nserviceName: ns1\noperatingSystem: debian12_64\nreinstall: {generation: "2"}\n',
      '5:25 error schema-type',
    ],
    [
      'enum (the value)',
      'apiVersion: ovh-fleet/v1\nkind: Server\nserviceName: ns1\noperatingSystem: debian12\n',
      '4:18 error os-unknown-template',
    ],
    [
      'const (the value)',
      'apiVersion: ovh-fleet/v2\nkind: Server\nserviceName: ns1\noperatingSystem: debian12_64\n',
      '1:13 error schema-enum',
    ],
    [
      'pattern (the value)',
      'apiVersion: ovh-fleet/v1\nkind: Server\nserviceName: "-bad"\noperatingSystem: debian12_64\n',
      '3:14 error schema-format',
    ],
    [
      'format (the value)',
      'apiVersion: ovh-fleet/v1\nkind: Server\nserviceName: ns1\noperatingSystem: byoi_64\ncustomizations:\n  imageURL: "https://x.example/i"\n  efiBootloaderPath: x\n  imageCheckSum: zz\n',
      '8:18 error schema-format',
    ],
    [
      'minimum (the value)',
      'apiVersion: ovh-fleet/v1\nkind: Server\nserviceName: ns1\noperatingSystem: debian12_64\nreinstall:\n  generation: -1\n',
      '6:15 error schema-range',
    ],
    [
      'maxItems (the list)',
      'apiVersion: ovh-fleet/v1\nkind: Server\nserviceName: ns1\noperatingSystem: debian12_64\nstorage:\n  - diskGroupId: 1\n  - diskGroupId: 2\n',
      '6:3 error schema-range',
    ],
    [
      'propertyNames (the key)',
      'apiVersion: ovh-fleet/v1\nkind: Server\nserviceName: ns1\noperatingSystem: debian12_64\nlabels:\n  "bad key!": x\n',
      '6:3 error schema-format',
    ],
    [
      'false schema (the key)',
      'apiVersion: ovh-fleet/v1\nkind: Server\nserviceName: ns1\noperatingSystem: alma8_64\nstorage:\n  - partitioning:\n      layout:\n        - mountPoint: /\n          fileSystem: ext4\n          extras:\n            lv: {name: root}\n',
      '11:13 error storage-unsupported',
    ],
    [
      'contains (the list)',
      'apiVersion: ovh-fleet/v1\nkind: Server\nserviceName: ns1\noperatingSystem: debian12_64\nstorage:\n  - partitioning:\n      layout:\n        - {mountPoint: /srv, fileSystem: ext4}\n',
      '8:9 error storage-mount-point',
    ],
  ])('%s', (_keyword, text, expected) => {
    const out = validate(parsed(text)).map(formatDiagnostic);

    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(new RegExp(`^servers/web-1\\.yaml:${expected} `));
  });

  it('names the missing property and suggests the template', () => {
    const text = 'apiVersion: ovh-fleet/v1\nkind: Server\noperatingSystem: debian12\n';

    const messages = validate(parsed(text))
      .map((d) => d.message)
      .sort();

    expect(messages).toEqual([
      'operatingSystem: "debian12" is not in the catalog; did you mean "debian12_64"?',
      'serviceName: required field is missing',
    ]);
  });
});
