/**
 * The certificates and users of a SASL_SSL local cluster (`herald kafka start --secure`): a CA
 * and a broker certificate for 127.0.0.1/localhost made with openssl, random passwords for the
 * client user `herald` and the brokers' own user, and how a client connects to it (the
 * KafkaConnection for kafkajs, the environment for the apps and the CLI).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KafkaConnection } from '@app/config';
import { LocalKafkaError } from './errors';
import { requireTool } from './jars';
import { SECURE_SCRAM_MECHANISMS, type ClusterLayout, type SecureLayout } from './layout';

export interface SecurePasswords {
  readonly user: string;
  readonly broker: string;
}

function openssl(args: readonly string[], cwd: string): void {
  const result = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new LocalKafkaError(`openssl ${args[0]} failed:\n${result.stdout ?? ''}${result.stderr ?? ''}`);
  }
}

/**
 * Makes a CA and a broker key and certificate signed by it (valid for 127.0.0.1 and localhost,
 * the names clients connect by) into `dir`. Also used by tests to make a CA nobody trusts.
 */
export function makeCertificateAuthority(dir: string, name: string): { caFile: string; caKeyFile: string } {
  requireTool('openssl', 'the secure local Kafka needs certificates');
  mkdirSync(dir, { recursive: true });
  const caFile = join(dir, 'ca.pem');
  const caKeyFile = join(dir, 'ca.key');
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-sha256',
      '-days',
      '3650',
      '-keyout',
      caKeyFile,
      '-out',
      caFile,
      '-subj',
      `/CN=${name}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  chmodSync(caKeyFile, 0o600);
  return { caFile, caKeyFile };
}

function makeBrokerCertificate(secure: SecureLayout): void {
  const key = join(secure.dir, 'broker.key');
  const csr = join(secure.dir, 'broker.csr');
  const cert = join(secure.dir, 'broker.crt');
  const ext = join(secure.dir, 'broker.ext');
  writeFileSync(
    ext,
    [
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth,clientAuth',
      '',
    ].join('\n'),
  );
  // -nodes with OpenSSL 3 writes an unencrypted PKCS#8 key (BEGIN PRIVATE KEY), what Kafka's PEM keystore reads.
  openssl(
    ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', '/CN=localhost'],
    secure.dir,
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      secure.caFile,
      '-CAkey',
      secure.caKeyFile,
      '-CAcreateserial',
      '-sha256',
      '-days',
      '825',
      '-out',
      cert,
      '-extfile',
      ext,
    ],
    secure.dir,
  );
  writeFileSync(secure.brokerPemFile, `${readFileSync(key, 'utf8')}${readFileSync(cert, 'utf8')}`, {
    mode: 0o600,
  });
  chmodSync(key, 0o600);
}

const newPassword = (): string => randomBytes(24).toString('base64url');

/** Makes the CA, the broker certificate and both users' passwords, unless they exist already. */
export function ensureSecureMaterial(secure: SecureLayout): SecurePasswords {
  if (!existsSync(secure.brokerPemFile)) {
    makeCertificateAuthority(secure.dir, 'Herald local Kafka CA');
    makeBrokerCertificate(secure);
  }
  for (const file of [secure.passwordFile, secure.brokerPasswordFile]) {
    if (!existsSync(file)) writeFileSync(file, `${newPassword()}\n`, { mode: 0o600 });
  }
  return readPasswords(secure);
}

export function readPasswords(secure: SecureLayout): SecurePasswords {
  const read = (file: string): string => {
    if (!existsSync(file)) {
      throw new LocalKafkaError(
        `${file} is missing: run \`herald kafka reset --secure\` to make the secure cluster again`,
      );
    }
    return readFileSync(file, 'utf8').trim();
  };
  return { user: read(secure.passwordFile), broker: read(secure.brokerPasswordFile) };
}

/** The storage tool's `--add-scram` arguments: both users, for every SCRAM mechanism. */
export function scramFormatArguments(secure: SecureLayout, passwords: SecurePasswords): string[] {
  const users = [
    [secure.username, passwords.user],
    [secure.brokerUsername, passwords.broker],
  ] as const;
  return SECURE_SCRAM_MECHANISMS.flatMap((mechanism) =>
    users.flatMap(([name, password]) => ['--add-scram', `${mechanism}=[name=${name},password=${password}]`]),
  );
}

/** How a client reaches a secure cluster as `herald` (SCRAM-SHA-512, trusting its CA). */
export function secureClientConnection(layout: ClusterLayout): KafkaConnection {
  const secure = layout.secure;
  if (secure === undefined) return { brokers: layout.bootstrap };
  return {
    brokers: layout.bootstrap,
    ssl: { ca: readFileSync(secure.caFile, 'utf8'), rejectUnauthorized: true },
    sasl: { mechanism: 'scram-sha-512', username: secure.username, password: readPasswords(secure).user },
  };
}

/** The environment the apps and the CLI connect with (the password by file, never printed). */
export function secureClientEnv(layout: ClusterLayout): Record<string, string> {
  const secure = layout.secure;
  if (secure === undefined) return { KAFKA_BROKERS: layout.bootstrap.join(',') };
  return {
    KAFKA_BROKERS: layout.bootstrap.join(','),
    KAFKA_SSL: 'true',
    KAFKA_SSL_CA_FILE: secure.caFile,
    KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
    KAFKA_SASL_USERNAME: secure.username,
    KAFKA_SASL_PASSWORD_FILE: secure.passwordFile,
  };
}
