/**
 * The gateway app's configuration: the environment variables it reads, validated at boot
 * (docs/gateway.md#configuration), and the settings each part of the gateway derives from them.
 */
import { z } from 'zod';
import {
  brokerList,
  databaseVariables,
  httpHost,
  kafkaSecurityVariables,
  logLevel,
  port,
  postgresUrl,
  registryClientVariables,
} from '@app/platform';
import type { AnswerWriterSettings } from './domain/answer-writer';
import type { ProducerSettings } from './kafka/queued-event.producer';
import type { IdempotencySettings } from './storage/postgres-idempotency.store';

const whole = (what: string, min: number, max: number, fallback: number) =>
  z.coerce
    .number({ error: `must be a number of ${what}` })
    .int(`must be a whole number of ${what}`)
    .min(min, `must be at least ${min} ${what}`)
    .max(max, `must be at most ${max} ${what}`)
    .default(fallback);

export const gatewayConfigSchema = z.object({
  GATEWAY_PORT: port(8080),
  /**
   * Worker processes serving the port (node:cluster). The gateway is CPU-bound in one process;
   * set this to the cores it may use. Rate limits and /metrics cover all workers.
   */
  GATEWAY_WORKERS: whole('processes', 1, 64, 1),
  HOST: httpHost,
  KAFKA_BROKERS: brokerList,
  ...kafkaSecurityVariables,
  DATABASE_URL: postgresUrl,
  ...databaseVariables,
  ...registryClientVariables,
  LOG_LEVEL: logLevel,
  SCHEMA_REGISTRY_URL: z
    .url({ error: 'must be an http(s) URL such as http://127.0.0.1:8081' })
    .default('http://127.0.0.1:8081'),
  /** The schemas/ catalog: event.yaml gives each type's key field. */
  SCHEMAS_DIR: z.string().min(1).default('schemas'),
  /** Whole request body (a batch included); larger → 413. */
  GATEWAY_MAX_BODY_BYTES: whole('bytes', 1024, 64 * 1024 * 1024, 1024 * 1024),
  /** One encoded event (Kafka's default max.message.bytes is ~1 MiB); larger → 413. */
  GATEWAY_MAX_EVENT_BYTES: whole('bytes', 64, 8 * 1024 * 1024, 256 * 1024),
  GATEWAY_MAX_BATCH_EVENTS: whole('events', 1, 10_000, 500),
  /** No Kafka acknowledgement within this → 503 with Retry-After. */
  GATEWAY_SEND_TIMEOUT_MS: whole('milliseconds', 100, 120_000, 10_000),
  /** Records in one produce request: concurrent requests' events go out together up to this. */
  GATEWAY_PRODUCE_BATCH_RECORDS: whole('records', 1, 1_000_000, 5_000),
  /** Records waiting for Kafka in one process; a request past this gets 503 at once (back-pressure). */
  GATEWAY_PRODUCE_QUEUE_RECORDS: whole('records', 1, 10_000_000, 100_000),
  /**
   * The Kafka client of the gateway's producer: `kafkajs` (default) or `platformatic`
   * (@platformatic/kafka), same guarantees (docs/gateway.md#kafka-client). Partition counts
   * and everything else Kafka in the gateway stay on kafkajs.
   */
  GATEWAY_KAFKA_CLIENT: z
    .enum(['kafkajs', 'platformatic'], { error: 'must be kafkajs or platformatic' })
    .default('kafkajs'),
  /** How long an event id is remembered for deduplication. */
  GATEWAY_DEDUPE_WINDOW_HOURS: whole('hours', 1, 24 * 30, 24),
  /**
   * `false` (default): the idempotency window's writes commit without waiting for PostgreSQL's
   * WAL flush. Kafka holds the events durably either way; a PostgreSQL crash (not a gateway
   * restart) may forget the last few hundred milliseconds of event ids, so a retry in that
   * instant could write a second copy (consumers dedupe by id). `true`: every claim waits for
   * the flush, at a large cost in throughput.
   */
  GATEWAY_DEDUPE_SYNC_COMMIT: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('false')
    .transform((value) => value === 'true'),
  /**
   * Outside strict mode, how long the answers of acknowledged events wait for company before
   * their write to the idempotency window goes out (strict mode writes at once).
   */
  GATEWAY_ANSWER_LINGER_MS: whole('milliseconds', 0, 1_000, 10),
  /**
   * Where the answers of client-id claims are stored: `table` (default), rows of their own
   * (an INSERT each); `row`, the claim's row (an UPDATE, what gateways before 2026-12-06 read).
   * Set `row` while a rolling upgrade from such a gateway is under way (docs/gateway.md).
   */
  GATEWAY_DEDUPE_ANSWERS: z.enum(['table', 'row'], { error: 'must be table or row' }).default('table'),
  /**
   * Outside strict mode, answers being written after the client was answered, at most; past
   * this, answers wait for their writes, so a slow PostgreSQL slows publishing instead of
   * growing memory.
   */
  GATEWAY_ANSWER_BACKLOG: whole('answers', 1, 1_000_000, 20_000),
  /** Events per second per API key unless the key sets its own. */
  GATEWAY_RATE_LIMIT_PER_SECOND: whole('events per second', 1, 10_000_000, 5_000),
  /** A revoked key stops working within this time. */
  GATEWAY_KEY_CACHE_MS: whole('milliseconds', 0, 600_000, 5_000),
  /** How stale "latest version" may be after a push to the registry. */
  GATEWAY_LATEST_TTL_MS: whole('milliseconds', 0, 600_000, 5_000),
});

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;

/** A claim older than this many send timeouts belongs to a gateway that died mid-send. */
const STALE_CLAIM_SEND_TIMEOUTS = 3;

export function producerSettings(config: GatewayConfig): ProducerSettings {
  return {
    sendTimeoutMs: config.GATEWAY_SEND_TIMEOUT_MS,
    maxBatchRecords: config.GATEWAY_PRODUCE_BATCH_RECORDS,
    maxQueuedRecords: config.GATEWAY_PRODUCE_QUEUE_RECORDS,
  };
}

export function idempotencySettings(config: GatewayConfig): IdempotencySettings {
  return {
    windowMs: config.GATEWAY_DEDUPE_WINDOW_HOURS * 3_600_000,
    staleClaimMs: STALE_CLAIM_SEND_TIMEOUTS * config.GATEWAY_SEND_TIMEOUT_MS,
    answerLingerMs: config.GATEWAY_DEDUPE_SYNC_COMMIT ? 0 : config.GATEWAY_ANSWER_LINGER_MS,
    answers: config.GATEWAY_DEDUPE_ANSWERS,
  };
}

export function answerWriterSettings(config: GatewayConfig): AnswerWriterSettings {
  return {
    awaitWrites: config.GATEWAY_DEDUPE_SYNC_COMMIT,
    maxBackgroundWrites: config.GATEWAY_ANSWER_BACKLOG,
  };
}
