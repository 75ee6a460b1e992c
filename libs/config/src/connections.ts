/**
 * How every Herald process connects to the Kafka, PostgreSQL and schema registry it is pointed
 * at: TLS, SASL and credentials, read from the environment with one set of variables shared by
 * every app and the CLI (the table is in docs/operations.md). Files (CA bundles, keys, password
 * files) are checked at boot, so a missing or unreadable one stops the app naming the variable;
 * the helpers below read them when the clients are built. Secret values are never echoed: a
 * bad one is reported as "value hidden" (see `secret`).
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import { z } from 'zod';
import { crossChecked, loadConfig, secret, type CrossCheck, type Env } from './config';

/** Every variable below ends in `.optional()`: unset, its key is optional in the config type too. */
const onOff = () =>
  z
    .string()
    .transform((value, ctx) => {
      if (value === '') return undefined;
      const lower = value.toLowerCase();
      if (lower === 'true' || lower === '1') return true;
      if (lower === 'false' || lower === '0') return false;
      ctx.addIssue({ code: 'custom', message: 'must be true or false' });
      return z.NEVER;
    })
    .optional();

/** Unset or empty: undefined. A function: each variable needs its own instance (registries mark instances). */
const optionalText = () =>
  z
    .string()
    .transform((value) => (value === '' ? undefined : value))
    .optional();

function checkReadable(path: string, ctx: z.RefinementCtx, pem?: string): void {
  try {
    accessSync(path, constants.R_OK);
    const text = readFileSync(path, 'utf8');
    if (pem !== undefined && !text.includes('-----BEGIN')) {
      ctx.addIssue({ code: 'custom', message: `${path} holds no PEM block: expected ${pem}` });
    } else if (pem === undefined && text.trim() === '') {
      ctx.addIssue({ code: 'custom', message: `${path} is empty` });
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EACCES'
          ? 'is not readable by this process'
          : `cannot be read (${code})`;
    ctx.addIssue({ code: 'custom', message: `the file ${path} ${why}` });
  }
}

/** A path to a file that must exist and be readable at boot; `pem` names the PEM content expected. */
export const readableFile = (pem?: string) =>
  z
    .string()
    .transform((path, ctx) => {
      if (path === '') return undefined;
      checkReadable(path, ctx, pem);
      return path;
    })
    .optional();

/** A file's text (a secret's file: trailing newlines dropped, as `echo x > file` writes one). */
function readSecretFile(path: string): string {
  return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
}

// ---------------------------------------------------------------- Kafka

export type KafkaSaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

/** TLS to the brokers, in the shape of Node's tls.connect options (what kafkajs' `ssl` takes). */
export interface KafkaTlsOptions {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly servername?: string;
  readonly rejectUnauthorized: boolean;
}

/** SASL, in the shape of kafkajs' `sasl` option. */
export interface KafkaSaslOptions {
  readonly mechanism: KafkaSaslMechanism;
  readonly username: string;
  readonly password: string;
}

/** Everything needed to reach the cluster, beyond the client id: what createKafka takes. */
export interface KafkaConnection {
  readonly brokers: readonly string[];
  readonly ssl?: KafkaTlsOptions;
  readonly sasl?: KafkaSaslOptions;
}

const MECHANISMS: Record<string, KafkaSaslMechanism> = {
  PLAIN: 'plain',
  'SCRAM-SHA-256': 'scram-sha-256',
  'SCRAM-SHA-512': 'scram-sha-512',
};

const saslMechanism = z
  .string()
  .transform((value, ctx) => {
    if (value === '') return undefined;
    const mechanism = MECHANISMS[value.toUpperCase()];
    if (mechanism === undefined) {
      ctx.addIssue({ code: 'custom', message: 'must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512' });
      return z.NEVER;
    }
    return mechanism;
  })
  .optional();

interface KafkaSecurityValues {
  KAFKA_SSL?: boolean | undefined;
  KAFKA_SSL_CA_FILE?: string | undefined;
  KAFKA_SSL_CERT_FILE?: string | undefined;
  KAFKA_SSL_KEY_FILE?: string | undefined;
  KAFKA_SSL_SERVERNAME?: string | undefined;
  KAFKA_SSL_REJECT_UNAUTHORIZED?: boolean | undefined;
  KAFKA_SASL_MECHANISM?: KafkaSaslMechanism | undefined;
  KAFKA_SASL_USERNAME?: string | undefined;
  KAFKA_SASL_PASSWORD?: string | undefined;
  KAFKA_SASL_PASSWORD_FILE?: string | undefined;
}

/** The combinations single variables cannot refuse on their own. */
const kafkaSecurityCheck: CrossCheck = (values) => {
  const c = values as KafkaSecurityValues;
  const problems: { variable: string; message: string }[] = [];
  const tlsFiles = (['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE'] as const).filter(
    (v) => c[v] !== undefined,
  );
  const tlsSettings = [
    ...tlsFiles,
    ...(c.KAFKA_SSL_SERVERNAME !== undefined ? ['KAFKA_SSL_SERVERNAME'] : []),
    ...(c.KAFKA_SSL_REJECT_UNAUTHORIZED !== undefined ? ['KAFKA_SSL_REJECT_UNAUTHORIZED'] : []),
  ];
  if (c.KAFKA_SSL !== true && tlsSettings.length > 0) {
    problems.push({
      variable: 'KAFKA_SSL',
      message: `is not true, but ${tlsSettings.join(', ')} is set: set KAFKA_SSL=true to connect over TLS, or unset them`,
    });
  }
  if ((c.KAFKA_SSL_CERT_FILE === undefined) !== (c.KAFKA_SSL_KEY_FILE === undefined)) {
    const missing = c.KAFKA_SSL_CERT_FILE === undefined ? 'KAFKA_SSL_CERT_FILE' : 'KAFKA_SSL_KEY_FILE';
    problems.push({
      variable: missing,
      message: 'is not set: a client certificate needs both KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE',
    });
  }
  if (c.KAFKA_SASL_PASSWORD !== undefined && c.KAFKA_SASL_PASSWORD_FILE !== undefined) {
    problems.push({
      variable: 'KAFKA_SASL_PASSWORD_FILE',
      message: 'is set together with KAFKA_SASL_PASSWORD: give the password one way only',
    });
  }
  const hasPassword = c.KAFKA_SASL_PASSWORD !== undefined || c.KAFKA_SASL_PASSWORD_FILE !== undefined;
  if (c.KAFKA_SASL_MECHANISM !== undefined) {
    const mechanism = c.KAFKA_SASL_MECHANISM.toUpperCase();
    if (c.KAFKA_SASL_USERNAME === undefined) {
      problems.push({
        variable: 'KAFKA_SASL_USERNAME',
        message: `is not set: SASL ${mechanism} needs a username`,
      });
    }
    if (!hasPassword) {
      problems.push({
        variable: 'KAFKA_SASL_PASSWORD',
        message: `is not set: SASL ${mechanism} needs KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE`,
      });
    }
  } else if (c.KAFKA_SASL_USERNAME !== undefined || hasPassword) {
    problems.push({
      variable: 'KAFKA_SASL_MECHANISM',
      message: 'is not set, but SASL credentials are: set it to PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512',
    });
  }
  return problems;
};

/**
 * The TLS and SASL variables every app and the CLI read beside KAFKA_BROKERS; spread them into
 * the app's z.object. loadConfig checks their combinations (a mechanism without credentials,
 * TLS files without KAFKA_SSL, a certificate without its key).
 */
export const kafkaSecurityVariables = {
  /** `true`: connect over TLS (the listener is SSL or SASL_SSL). */
  KAFKA_SSL: crossChecked(onOff(), kafkaSecurityCheck),
  /** PEM CA bundle the brokers' certificates are checked against (default: Node's public CAs). */
  KAFKA_SSL_CA_FILE: readableFile('one or more CA certificates (-----BEGIN CERTIFICATE-----)'),
  /** PEM client certificate, for brokers that require one (mutual TLS); with KAFKA_SSL_KEY_FILE. */
  KAFKA_SSL_CERT_FILE: readableFile('a certificate (-----BEGIN CERTIFICATE-----)'),
  /** PEM private key of the client certificate. */
  KAFKA_SSL_KEY_FILE: readableFile('a private key (-----BEGIN ... PRIVATE KEY-----)'),
  /** The name the brokers' certificates are checked against, when it differs from the broker host. */
  KAFKA_SSL_SERVERNAME: optionalText(),
  /** `false` accepts any broker certificate: for a test only, never in production. Default true. */
  KAFKA_SSL_REJECT_UNAUTHORIZED: onOff(),
  /** PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512; unset: no SASL. */
  KAFKA_SASL_MECHANISM: saslMechanism,
  KAFKA_SASL_USERNAME: optionalText(),
  KAFKA_SASL_PASSWORD: secret(optionalText()),
  /** A file holding the password (a mounted secret); instead of KAFKA_SASL_PASSWORD. */
  KAFKA_SASL_PASSWORD_FILE: readableFile(),
};

/** The security part of a KafkaConnection from config values (files are read here). */
export function kafkaSecurity(config: KafkaSecurityValues): Pick<KafkaConnection, 'ssl' | 'sasl'> {
  const ssl: KafkaTlsOptions | undefined =
    config.KAFKA_SSL === true
      ? {
          rejectUnauthorized: config.KAFKA_SSL_REJECT_UNAUTHORIZED ?? true,
          ...(config.KAFKA_SSL_CA_FILE !== undefined && {
            ca: readFileSync(config.KAFKA_SSL_CA_FILE, 'utf8'),
          }),
          ...(config.KAFKA_SSL_CERT_FILE !== undefined && {
            cert: readFileSync(config.KAFKA_SSL_CERT_FILE, 'utf8'),
          }),
          ...(config.KAFKA_SSL_KEY_FILE !== undefined && {
            key: readFileSync(config.KAFKA_SSL_KEY_FILE, 'utf8'),
          }),
          ...(config.KAFKA_SSL_SERVERNAME !== undefined && { servername: config.KAFKA_SSL_SERVERNAME }),
        }
      : undefined;
  const password =
    config.KAFKA_SASL_PASSWORD ??
    (config.KAFKA_SASL_PASSWORD_FILE !== undefined
      ? readSecretFile(config.KAFKA_SASL_PASSWORD_FILE)
      : undefined);
  const sasl: KafkaSaslOptions | undefined =
    config.KAFKA_SASL_MECHANISM !== undefined &&
    config.KAFKA_SASL_USERNAME !== undefined &&
    password !== undefined
      ? { mechanism: config.KAFKA_SASL_MECHANISM, username: config.KAFKA_SASL_USERNAME, password }
      : undefined;
  return { ...(ssl && { ssl }), ...(sasl && { sasl }) };
}

/**
 * The TLS and SASL variables of `env`, checked (ConfigError), as a connection's ssl/sasl: for
 * code with no config schema of its own (the CLI's commands, test helpers).
 */
export function kafkaSecurityFromEnv(env: Env): Pick<KafkaConnection, 'ssl' | 'sasl'> {
  return kafkaSecurity(loadConfig(z.object(kafkaSecurityVariables), env));
}

/** KAFKA_BROKERS and the security variables of an app's config, as createKafka takes them. */
export function kafkaConnection(
  config: KafkaSecurityValues & { KAFKA_BROKERS: readonly string[] },
): KafkaConnection {
  return { brokers: config.KAFKA_BROKERS, ...kafkaSecurity(config) };
}

/** One line describing a connection for logs and messages: never a secret. */
export function describeKafkaConnection(connection: KafkaConnection): string {
  const protocol = `${connection.sasl ? 'SASL_' : ''}${connection.ssl ? 'SSL' : 'PLAINTEXT'}`;
  const sasl = connection.sasl
    ? ` ${connection.sasl.mechanism.toUpperCase()} user ${connection.sasl.username}`
    : '';
  return `${connection.brokers.join(',')} (${protocol}${sasl})`;
}

// ---------------------------------------------------------------- PostgreSQL

const databaseCheck: CrossCheck = (values) => {
  const url = values['DATABASE_URL'];
  if (values['DATABASE_SSL_CA_FILE'] === undefined || typeof url !== 'string') return [];
  const params = new URL(url).searchParams;
  if (params.has('sslrootcert')) {
    return [
      {
        variable: 'DATABASE_SSL_CA_FILE',
        message: 'is set, and DATABASE_URL has sslrootcert too: give the CA one way only',
      },
    ];
  }
  const mode = params.get('sslmode');
  return mode === null || mode === 'disable'
    ? [
        {
          variable: 'DATABASE_SSL_CA_FILE',
          message: `is set, but DATABASE_URL ${mode === null ? 'has no sslmode' : 'has sslmode=disable'}: add ?sslmode=verify-full (or verify-ca) to use TLS`,
        },
      ]
    : [];
};

/**
 * TLS and pool variables of an app's PostgreSQL connection. TLS itself is DATABASE_URL's
 * `sslmode` (node-postgres reads it: `verify-full` checks the certificate and the host name,
 * `no-verify` encrypts without checking, `disable` is plaintext).
 */
export const databaseVariables = {
  /** PEM CA bundle the server's certificate is checked against (a private CA); needs an sslmode in DATABASE_URL. */
  DATABASE_SSL_CA_FILE: crossChecked(
    readableFile('one or more CA certificates (-----BEGIN CERTIFICATE-----)'),
    databaseCheck,
  ),
  /** Most connections one process of the app keeps open (default 10). */
  DATABASE_POOL_MAX: z.coerce
    .number({ error: 'must be a number of connections' })
    .int('must be a whole number of connections')
    .min(1, 'must be at least 1')
    .max(1000, 'must be at most 1000')
    .optional(),
};

export interface DatabaseConnectionValues {
  DATABASE_URL: string;
  DATABASE_SSL_CA_FILE?: string | undefined;
  DATABASE_POOL_MAX?: number | undefined;
}

/**
 * The URL and pool size PersistenceModule takes: DATABASE_URL with DATABASE_SSL_CA_FILE as its
 * `sslrootcert` (node-postgres reads the file), and DATABASE_POOL_MAX as maxConnections.
 */
export function databaseConnection(config: DatabaseConnectionValues): {
  url: string;
  maxConnections?: number;
} {
  let url = config.DATABASE_URL;
  if (config.DATABASE_SSL_CA_FILE !== undefined) {
    const parsed = new URL(url);
    parsed.searchParams.set('sslrootcert', config.DATABASE_SSL_CA_FILE);
    url = parsed.toString();
  }
  return { url, ...(config.DATABASE_POOL_MAX !== undefined && { maxConnections: config.DATABASE_POOL_MAX }) };
}

// ---------------------------------------------------------------- schema registry

const basicAuth = secret(
  optionalText().refine(
    (v) => v === undefined || /^[^:]+:.+$/.test(v),
    'must be user:password, both non-empty',
  ),
);

const registryCheck: CrossCheck = (values) =>
  values['SCHEMA_REGISTRY_BASIC_AUTH'] !== undefined && values['SCHEMA_REGISTRY_TOKEN'] !== undefined
    ? [
        {
          variable: 'SCHEMA_REGISTRY_TOKEN',
          message: 'is set together with SCHEMA_REGISTRY_BASIC_AUTH: use one',
        },
      ]
    : [];

/** How the apps and the CLI authenticate to, and trust, the schema registry (beside SCHEMA_REGISTRY_URL). */
export const registryClientVariables = {
  /** `user:password` sent as HTTP basic auth on every request (Confluent Cloud: API key:secret). */
  SCHEMA_REGISTRY_BASIC_AUTH: crossChecked(basicAuth, registryCheck),
  /** A bearer token sent on every request. */
  SCHEMA_REGISTRY_TOKEN: secret(optionalText()),
  /** PEM CA bundle the registry's certificate is checked against (an https URL with a private CA). */
  SCHEMA_REGISTRY_CA_FILE: readableFile('one or more CA certificates (-----BEGIN CERTIFICATE-----)'),
};

export interface RegistryConnection {
  readonly url: string;
  readonly basicAuth?: { readonly username: string; readonly password: string };
  readonly token?: string;
  readonly ca?: string;
}

/** The registry client's options from config values (RegistryClientOptions accepts this shape). */
export function registryConnection(config: {
  SCHEMA_REGISTRY_URL: string;
  SCHEMA_REGISTRY_BASIC_AUTH?: string | undefined;
  SCHEMA_REGISTRY_TOKEN?: string | undefined;
  SCHEMA_REGISTRY_CA_FILE?: string | undefined;
}): RegistryConnection {
  const auth = config.SCHEMA_REGISTRY_BASIC_AUTH;
  const colon = auth?.indexOf(':') ?? -1;
  return {
    url: config.SCHEMA_REGISTRY_URL,
    ...(auth !== undefined && {
      basicAuth: { username: auth.slice(0, colon), password: auth.slice(colon + 1) },
    }),
    ...(config.SCHEMA_REGISTRY_TOKEN !== undefined && { token: config.SCHEMA_REGISTRY_TOKEN }),
    ...(config.SCHEMA_REGISTRY_CA_FILE !== undefined && {
      ca: readFileSync(config.SCHEMA_REGISTRY_CA_FILE, 'utf8'),
    }),
  };
}
