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
import { Kafka, logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';

export interface KafkaSettings {
  readonly brokers: readonly string[];
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

function nestLogCreator() {
  const logger = new Logger('kafkajs');
  return () =>
    ({ level, log }: LogEntry): void => {
      const { message, ...extra } = log;
      const line = `${message} ${JSON.stringify(extra)}`;
      if (level === logLevel.ERROR && !isTransientKafkaError(message, extra['error'])) logger.error(line);
      else if (level <= logLevel.WARN) logger.warn(line);
      else logger.debug(line);
    };
}

export function createKafka(settings: KafkaSettings, overrides: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId: settings.clientId,
    brokers: [...settings.brokers],
    logLevel: logLevel.WARN,
    logCreator: nestLogCreator(),
    ...overrides,
  });
}
