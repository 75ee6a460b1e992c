/** The analytics app's configuration: the environment variables it reads, validated at boot. */
import { z } from 'zod';
import {
  brokerList,
  consumerGroupId,
  httpHost,
  logLevel,
  optionalRegExp,
  port,
  postgresUrl,
  databaseVariables,
  kafkaSecurityVariables,
  registryClientVariables,
} from '@app/platform';

const millis = (fallback: number, min: number) =>
  z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int('must be a whole number of milliseconds')
    .min(min, `must be at least ${min} ms`)
    .default(fallback);

const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');

/** An http(s) URL with a default; set empty, nothing is asked there (the dashboard shows it unavailable). */
const optionalService = (fallback: string) =>
  z
    .union([z.literal(''), z.url({ protocol: /^https?$/, error: 'must be an http(s) URL or empty' })])
    .default(fallback)
    .transform((v) => (v === '' ? undefined : v.replace(/\/+$/, '')));

export const analyticsConfigSchema = z.object({
  ANALYTICS_PORT: port(8083),
  HOST: httpHost,
  KAFKA_BROKERS: brokerList,
  ...kafkaSecurityVariables,
  DATABASE_URL: postgresUrl,
  ...databaseVariables,
  ...registryClientVariables,
  LOG_LEVEL: logLevel,
  SCHEMA_REGISTRY_URL: z.url({ error: 'must be an http(s) URL' }).default('http://127.0.0.1:8081'),
  /** The consumer group; instances sharing it share the partitions. Tests must set their own. */
  ANALYTICS_GROUP_ID: consumerGroupId('analytics'),
  /** A regular expression narrowing the event-type topics counted (unset: every type). */
  ANALYTICS_TOPIC_PATTERN: optionalRegExp,
  /**
   * The declared metrics (docs/analytics.md). Unset: infra/analytics/metrics.yaml, none when that
   * file is missing; empty: none.
   */
  ANALYTICS_METRICS_FILE: z.string().optional(),
  /** An event reaching Kafka more than this after its event time counts as late. */
  ANALYTICS_LATENESS_MS: millis(3_600_000, 0),
  /** How long counted event ids are kept to recognise a replayed dead letter. */
  ANALYTICS_DEDUPE_WINDOW_MS: millis(7 * 86_400_000, 60_000),
  /** Rebuild a metric declared with no computed generation at boot (new or changed) from history. */
  ANALYTICS_REBUILD_NEW_METRICS: flag(true),
  /** A regular expression choosing the consumer groups GET /v1/lag reports (unset: all). */
  ANALYTICS_LAG_GROUPS: optionalRegExp,
  /** How long the group waits for a silent instance before giving its partitions to the others. */
  ANALYTICS_SESSION_TIMEOUT_MS: millis(30_000, 3_000),
  /** The gateway whose `GET /v1/event-types` the dashboard's event catalog shows. */
  GATEWAY_URL: optionalService('http://127.0.0.1:8080'),
  /** The webhooks app whose delivery success the dashboard shows (asked by the server only). */
  WEBHOOKS_URL: optionalService('http://127.0.0.1:8082'),
  /** Its admin token, sent as bearer by the server; never given to the browser. */
  WEBHOOKS_ADMIN_TOKEN: z
    .string()
    .optional()
    .transform((v) => (v === '' ? undefined : v)),
});

export type AnalyticsConfig = z.output<typeof analyticsConfigSchema>;
