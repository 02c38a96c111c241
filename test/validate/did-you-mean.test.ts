import { describe, expect, it } from 'vitest';
import { damerauLevenshtein, didYouMean } from '../../src/validate/did-you-mean.js';

const TEMPLATES = [
  'debian11_64',
  'debian12_64',
  'alma8_64',
  'win2025core-std_64',
  'byoi_64',
  'ubuntu2404-server_64',
];
const FIELDS = ['hostname', 'sshKey', 'postInstallationScript', 'configDriveMetadata', 'enableLacpBonding'];

describe('did you mean', () => {
  it.each([
    ['kitten', 'sitting', 3],
    ['ab', 'ba', 1],
    ['hostname', 'hostnmae', 1],
    ['', 'abc', 3],
  ])('distance(%s, %s) = %i', (a, b, d) => {
    expect(damerauLevenshtein(a, b)).toBe(d);
  });

  it.each([
    ['debian12', TEMPLATES, 'debian12_64'],
    ['debian12-64', TEMPLATES, 'debian12_64'],
    ['Debian12_64', TEMPLATES, 'debian12_64'],
    ['ubuntu2404', TEMPLATES, 'ubuntu2404-server_64'],
    ['hostnme', FIELDS, 'hostname'],
    ['sshkey', FIELDS, 'sshKey'],
    ['ssh_key', FIELDS, 'sshKey'],
    ['postInstallScript', FIELDS, 'postInstallationScript'],
    ['enableLacpBondig', FIELDS, 'enableLacpBonding'],
    ['zzz', FIELDS, undefined],
    ['freebsd14_64', TEMPLATES, undefined],
  ])('%s → %s', (input, candidates, expected) => {
    expect(didYouMean(input, candidates)).toBe(expected);
  });
});
