/**
 * The simulator's self-signed certificate, made at start without network access (selfsigned,
 * EC P-256: a few tens of milliseconds where RSA-2048 takes far longer), valid for 127.0.0.1,
 * ::1 and localhost, written as cert.pem and key.pem.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';

/** The certificate material and where it was written. */
export interface SimTls {
  cert: string;
  key: string;
  certPath: string;
  keyPath: string;
}

/** Generates a certificate for `host` and writes it to `dir` (default a fresh temp dir). */
export async function createTls(host: string, dir?: string): Promise<SimTls> {
  const tlsDir = dir ?? mkdtempSync(join(tmpdir(), 'ovh-fleet-sim-'));
  mkdirSync(tlsDir, { recursive: true });
  const altNames: ({ type: 2; value: string } | { type: 7; ip: string })[] = [
    { type: 2, value: 'localhost' },
    { type: 7, ip: '127.0.0.1' },
    { type: 7, ip: '::1' },
  ];
  if (/^[\d.]+$/.test(host) && host !== '127.0.0.1') altNames.push({ type: 7, ip: host });
  else if (!/^[\d.:]+$/.test(host) && host !== 'localhost') altNames.push({ type: 2, value: host });
  const now = Date.now();
  // A distinct subject per certificate: a process that trusts several simulators' certificates
  // (benches run one after another) would otherwise hold issuers of the same name, and OpenSSL
  // checks a server's certificate against the first issuer of that name it finds.
  const subject = `ovh-fleet simulator ${randomBytes(6).toString('hex')}`;
  const pems = await generate([{ name: 'commonName', value: subject }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - 86_400_000),
    notAfterDate: new Date(now + 825 * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  const certPath = join(tlsDir, 'cert.pem');
  const keyPath = join(tlsDir, 'key.pem');
  writeFileSync(certPath, pems.cert);
  writeFileSync(keyPath, pems.private, { mode: 0o600 });
  return { cert: pems.cert, key: pems.private, certPath, keyPath };
}
