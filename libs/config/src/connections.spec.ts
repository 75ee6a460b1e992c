import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { brokerList, ConfigError, loadConfig, postgresUrl, type Env } from './config';
import {
  databaseConnection,
  databaseVariables,
  describeKafkaConnection,
  kafkaConnection,
  kafkaSecurityVariables,
  registryClientVariables,
  registryConnection,
} from './connections';

const schema = z.object({
  KAFKA_BROKERS: brokerList,
  ...kafkaSecurityVariables,
  DATABASE_URL: postgresUrl,
  ...databaseVariables,
  SCHEMA_REGISTRY_URL: z.url().default('http://127.0.0.1:8081'),
  ...registryClientVariables,
});

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n';

describe('connection settings', () => {
  let dir: string;
  let ca: string;
  let cert: string;
  let key: string;
  let passwordFile: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'herald-config-'));
    ca = join(dir, 'ca.pem');
    cert = join(dir, 'client.pem');
    key = join(dir, 'client.key');
    passwordFile = join(dir, 'password');
    writeFileSync(ca, PEM);
    writeFileSync(cert, PEM);
    writeFileSync(key, KEY);
    writeFileSync(passwordFile, 's3cret-from-file\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const problems = (env: Env): string => {
    try {
      loadConfig(schema, env);
    } catch (error) {
      if (error instanceof ConfigError) return error.message;
      throw error;
    }
    throw new Error('expected a ConfigError');
  };

  it('is plaintext without authentication when nothing is set', () => {
    const config = loadConfig(schema, {});
    expect(kafkaConnection(config)).toEqual({ brokers: ['127.0.0.1:9092'] });
    expect(databaseConnection(config)).toEqual({ url: 'postgres://postgres@127.0.0.1:5432/herald' });
    expect(registryConnection(config)).toEqual({ url: 'http://127.0.0.1:8081' });
  });

  it('builds TLS with a CA, a client certificate and a server name, and SCRAM from a password file', () => {
    const config = loadConfig(schema, {
      KAFKA_BROKERS: 'kafka-1.example:9093',
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: ca,
      KAFKA_SSL_CERT_FILE: cert,
      KAFKA_SSL_KEY_FILE: key,
      KAFKA_SSL_SERVERNAME: 'kafka.example',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'herald',
      KAFKA_SASL_PASSWORD_FILE: passwordFile,
    });
    const connection = kafkaConnection(config);
    expect(connection).toEqual({
      brokers: ['kafka-1.example:9093'],
      ssl: { ca: PEM, cert: PEM, key: KEY, servername: 'kafka.example', rejectUnauthorized: true },
      sasl: { mechanism: 'scram-sha-512', username: 'herald', password: 's3cret-from-file' },
    });
    expect(describeKafkaConnection(connection)).toBe(
      'kafka-1.example:9093 (SASL_SSL SCRAM-SHA-512 user herald)',
    );
    expect(describeKafkaConnection(connection)).not.toContain('s3cret');
  });

  it('takes PLAIN and SCRAM-SHA-256 in any case, and TLS that accepts any certificate only when told', () => {
    const plain = kafkaConnection(
      loadConfig(schema, {
        KAFKA_SASL_MECHANISM: 'PLAIN',
        KAFKA_SASL_USERNAME: 'u',
        KAFKA_SASL_PASSWORD: 'p',
      }),
    );
    expect(plain.sasl).toEqual({ mechanism: 'plain', username: 'u', password: 'p' });
    expect(plain.ssl).toBeUndefined();
    const scram = kafkaConnection(
      loadConfig(schema, {
        KAFKA_SSL: '1',
        KAFKA_SSL_REJECT_UNAUTHORIZED: 'false',
        KAFKA_SASL_MECHANISM: 'Scram-Sha-256',
        KAFKA_SASL_USERNAME: 'u',
        KAFKA_SASL_PASSWORD: 'p',
      }),
    );
    expect(scram.sasl?.mechanism).toBe('scram-sha-256');
    expect(scram.ssl).toEqual({ rejectUnauthorized: false });
  });

  it('refuses a missing file, naming the variable and the path', () => {
    const message = problems({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: join(dir, 'nope.pem') });
    expect(message).toContain(`KAFKA_SSL_CA_FILE: the file ${join(dir, 'nope.pem')} does not exist`);
  });

  it('refuses a file that holds no PEM', () => {
    const notPem = join(dir, 'not.pem');
    writeFileSync(notPem, 'hello');
    expect(problems({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: notPem })).toContain(
      `KAFKA_SSL_CA_FILE: ${notPem} holds no PEM block`,
    );
  });

  it('refuses a mechanism without credentials, credentials without a mechanism, and an unknown mechanism', () => {
    const missing = problems({ KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512' });
    expect(missing).toContain('KAFKA_SASL_USERNAME: is not set: SASL SCRAM-SHA-512 needs a username');
    expect(missing).toContain(
      'KAFKA_SASL_PASSWORD: is not set: SASL SCRAM-SHA-512 needs KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE',
    );
    expect(problems({ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' })).toContain(
      'KAFKA_SASL_MECHANISM: is not set, but SASL credentials are',
    );
    expect(problems({ KAFKA_SASL_MECHANISM: 'GSSAPI' })).toContain(
      'KAFKA_SASL_MECHANISM: must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 (got "GSSAPI")',
    );
  });

  it('refuses TLS settings without KAFKA_SSL, half a client certificate, and two passwords', () => {
    expect(problems({ KAFKA_SSL_CA_FILE: ca })).toContain(
      'KAFKA_SSL: is not true, but KAFKA_SSL_CA_FILE is set',
    );
    expect(problems({ KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: cert })).toContain(
      'KAFKA_SSL_KEY_FILE: is not set: a client certificate needs both',
    );
    expect(
      problems({
        KAFKA_SASL_MECHANISM: 'PLAIN',
        KAFKA_SASL_USERNAME: 'u',
        KAFKA_SASL_PASSWORD: 'p',
        KAFKA_SASL_PASSWORD_FILE: passwordFile,
      }),
    ).toContain('KAFKA_SASL_PASSWORD_FILE: is set together with KAFKA_SASL_PASSWORD');
    expect(problems({ KAFKA_SSL: 'yes' })).toContain('KAFKA_SSL: must be true or false (got "yes")');
  });

  it('never prints a secret value in an error', () => {
    const message = problems({ SCHEMA_REGISTRY_BASIC_AUTH: 'no-colon-secret' });
    expect(message).toContain(
      'SCHEMA_REGISTRY_BASIC_AUTH: must be user:password, both non-empty (set; value hidden)',
    );
    expect(message).not.toContain('no-colon-secret');
  });

  it('passes the CA file to PostgreSQL as sslrootcert and the pool size, and refuses a CA without sslmode', () => {
    const config = loadConfig(schema, {
      DATABASE_URL: 'postgres://herald@db.example:5432/herald?sslmode=verify-full',
      DATABASE_SSL_CA_FILE: ca,
      DATABASE_POOL_MAX: '25',
    });
    const connection = databaseConnection(config);
    expect(new URL(connection.url).searchParams.get('sslmode')).toBe('verify-full');
    expect(new URL(connection.url).searchParams.get('sslrootcert')).toBe(ca);
    expect(connection.maxConnections).toBe(25);
    expect(problems({ DATABASE_SSL_CA_FILE: ca })).toContain(
      'DATABASE_SSL_CA_FILE: is set, but DATABASE_URL has no sslmode',
    );
    expect(problems({ DATABASE_POOL_MAX: '0' })).toContain('DATABASE_POOL_MAX: must be at least 1');
  });

  it('gives the registry client basic auth or a bearer token and a CA, never both credentials', () => {
    const basic = registryConnection(
      loadConfig(schema, {
        SCHEMA_REGISTRY_URL: 'https://registry.example',
        SCHEMA_REGISTRY_BASIC_AUTH: 'key:se:cret',
        SCHEMA_REGISTRY_CA_FILE: ca,
      }),
    );
    expect(basic).toEqual({
      url: 'https://registry.example',
      basicAuth: { username: 'key', password: 'se:cret' },
      ca: PEM,
    });
    expect(registryConnection(loadConfig(schema, { SCHEMA_REGISTRY_TOKEN: 't' })).token).toBe('t');
    expect(problems({ SCHEMA_REGISTRY_TOKEN: 't', SCHEMA_REGISTRY_BASIC_AUTH: 'a:b' })).toContain(
      'SCHEMA_REGISTRY_TOKEN: is set together with SCHEMA_REGISTRY_BASIC_AUTH',
    );
  });
});
