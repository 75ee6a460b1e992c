/**
 * One place that turns Herald's Kafka settings into a kafkajs client, with kafkajs' own log
 * lines routed into the app's structured logger instead of its default console JSON.
 *
 * kafkajs logs several protocol errors at ERROR although it retries them itself and they are
 * part of normal operation (a coordinator still loading after a broker start, a group
 * rebalancing, a leader election). Those lines are downgraded to WARN so that an ERROR in the
 * logs means something an operator must look at.
 */
import { Logger } from '@nestjs/common';
import { Kafka, logLevel, type KafkaConfig, type LogEntry, type SASLOptions } from 'kafkajs';
import { describeKafkaConnection, type KafkaConnection } from '@app/platform';

/** Brokers, TLS and SASL (`kafkaConnection(config)` from @app/config) and the client id. */
export interface KafkaSettings extends KafkaConnection {
  readonly clientId: string;
}

/**
 * Error texts of retriable or self-healing conditions (kafkajs `src/protocol/error.js` marks
 * them retriable, or the runner re-joins the group on them). Matched against the log message
 * and its `error` field.
 */
const TRANSIENT_ERRORS: readonly RegExp[] = [
  /coordinator is loading/i,
  /group coordinator is not available/i,
  /not the correct coordinator/i,
  /rebalanc/i,
  /coordinator is not aware of this member/i,
  /generation id .* is not valid|specified group generation id is not valid/i,
  /no leader for this topic-partition|leadership election/i,
  /not the leader for that topic-partition/i,
  /does not host this topic-partition/i,
  /leader is not available|replica is not available/i,
  /request timed out/i,
  /fewer in-sync replicas|not enough replicas/i,
  /fetch session/i,
  /leader epoch/i,
  /this is not the correct controller/i,
];

/** True when an ERROR line from kafkajs describes a condition kafkajs retries by itself. */
export function isTransientKafkaError(message: string, error: unknown): boolean {
  const text = `${message} ${typeof error === 'string' ? error : ''}`;
  return TRANSIENT_ERRORS.some((pattern) => pattern.test(text));
}

/** Field names whose values never reach a log line, should kafkajs ever log its settings. */
const SECRET_FIELDS = /password|passphrase|secret|token|authorization|^sasl$/i;

/** A kafkajs log entry's fields as JSON, with the value of every secret-looking field replaced. */
export function redactedLogFields(extra: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(extra, (name, value: unknown) =>
    name !== '' && SECRET_FIELDS.test(name) && value !== undefined && value !== null ? '[redacted]' : value,
  );
}

function nestLogCreator() {
  const logger = new Logger('kafkajs');
  return () =>
    ({ level, log }: LogEntry): void => {
      const { message, ...extra } = log;
      const line = `${message} ${redactedLogFields(extra)}`;
      if (level === logLevel.ERROR && !isTransientKafkaError(message, extra['error'])) logger.error(line);
      else if (level <= logLevel.WARN) logger.warn(line);
      else logger.debug(line);
    };
}

/** kafkajs' `ssl` and `sasl` options of a connection (nothing when it is plaintext). */
export function kafkaSecurityOptions(
  connection: Omit<KafkaConnection, 'brokers'>,
): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  return {
    ...(connection.ssl && { ssl: { ...connection.ssl } }),
    // The union kafkajs declares is keyed by mechanism; our mechanism is one of its three.
    ...(connection.sasl && { sasl: { ...connection.sasl } as SASLOptions }),
  };
}

export function createKafka(settings: KafkaSettings, overrides: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId: settings.clientId,
    brokers: [...settings.brokers],
    logLevel: logLevel.WARN,
    logCreator: nestLogCreator(),
    ...kafkaSecurityOptions(settings),
    ...overrides,
  });
}

/** TLS errors that retrying cannot fix: the certificate or the protocol is wrong. */
const TLS_CODES: Readonly<Record<string, string>> = {
  SELF_SIGNED_CERT_IN_CHAIN: 'the broker certificate is signed by a CA this client does not trust',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the broker certificate is self-signed and not trusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the broker certificate is signed by a CA this client does not trust',
  UNABLE_TO_GET_ISSUER_CERT: 'the broker certificate is signed by a CA this client does not trust',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the broker certificate cannot be verified against the trusted CAs',
  CERT_HAS_EXPIRED: 'the broker certificate has expired',
  CERT_NOT_YET_VALID: 'the broker certificate is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the broker certificate does not name the host connected to',
  ERR_SSL_WRONG_VERSION_NUMBER: 'the listener does not speak TLS',
  ERR_SSL_PACKET_LENGTH_TOO_LONG: 'the listener does not speak TLS',
};

/**
 * Why connecting failed, when retrying cannot help (wrong credentials, an untrusted or wrong
 * certificate, TLS against a plaintext listener), with what to change; undefined for errors
 * that can pass (a broker not up yet, a timeout). The message never holds a secret.
 */
export function permanentKafkaConnectError(error: unknown, connection: KafkaConnection): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const where = describeKafkaConnection(connection);
  const name = error.name;
  if (name === 'KafkaJSSASLAuthenticationError') {
    return `Kafka at ${where} refused the SASL credentials: ${error.message}. Check KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD and KAFKA_SASL_MECHANISM`;
  }
  const code = (error as { code?: unknown }).code;
  const causeCode = (error as { cause?: { code?: unknown } }).cause?.code;
  const tls = [code, causeCode].find((c): c is string => typeof c === 'string' && TLS_CODES[c] !== undefined);
  if (tls !== undefined) {
    const hint =
      tls === 'ERR_SSL_WRONG_VERSION_NUMBER' || tls === 'ERR_SSL_PACKET_LENGTH_TOO_LONG'
        ? 'unset KAFKA_SSL, or point KAFKA_BROKERS at the TLS listener'
        : tls === 'ERR_TLS_CERT_ALTNAME_INVALID'
          ? 'connect by a name the certificate holds, or set KAFKA_SSL_SERVERNAME to it'
          : "set KAFKA_SSL_CA_FILE to the CA bundle that signed the brokers' certificates";
    return `TLS to Kafka at ${where} failed: ${TLS_CODES[tls]} (${tls}: ${error.message}); ${hint}`;
  }
  if (/unsupported sasl mechanism|SASL .* mechanism/i.test(error.message)) {
    return `Kafka at ${where} does not offer this SASL mechanism: ${error.message}. Check KAFKA_SASL_MECHANISM`;
  }
  return undefined;
}

/**
 * Connects once with a short timeout and no retry, and throws when the failure is one retrying
 * cannot fix (permanentKafkaConnectError): an app with a wrong password or an untrusted
 * certificate stops at boot saying so, instead of retrying forever. Any other failure (Kafka not
 * up yet) is left to the clients' own retries, as before.
 */
export async function assertKafkaCredentials(settings: KafkaSettings, timeoutMs = 10_000): Promise<void> {
  const admin = createKafka(
    { ...settings, clientId: `${settings.clientId}-preflight` },
    {
      logLevel: logLevel.NOTHING,
      connectionTimeout: Math.min(timeoutMs, 3_000),
      authenticationTimeout: timeoutMs,
      requestTimeout: timeoutMs,
      retry: { retries: 0 },
    },
  ).admin();
  try {
    await admin.connect();
  } catch (error) {
    const permanent = permanentKafkaConnectError(error, settings);
    if (permanent !== undefined) throw new KafkaConnectError(permanent, { cause: error });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export class KafkaConnectError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'KafkaConnectError';
  }
}
