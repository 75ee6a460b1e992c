/**
 * A throwaway self-signed certificate for TLS tests, made by openssl at test time (Node cannot
 * issue X.509 certificates itself), so no private key lives in the repository and none expires.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificate {
  readonly key: string;
  readonly cert: string;
}

/** A certificate for `dnsName` (its only subject alternative name), valid for two days. */
export function selfSignedCertificate(dnsName: string): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'herald-tls-'));
  try {
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        keyPath,
        '-out',
        certPath,
        '-days',
        '2',
        '-subj',
        `/CN=${dnsName}`,
        '-addext',
        `subjectAltName=DNS:${dnsName}`,
      ],
      { stdio: 'pipe' },
    );
    return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
