/** The audit app's configuration: the environment variables it reads, validated at boot. */
import { z } from 'zod';
import {
  optionalRegExp,
  brokerList,
  consumerGroupId,
  httpHost,
  logLevel,
  port,
  postgresUrl,
  databaseVariables,
  kafkaSecurityVariables,
  registryClientVariables,
} from '@app/platform';

export const auditConfigSchema = z.object({
  AUDIT_PORT: port(8084),
  HOST: httpHost,
  KAFKA_BROKERS: brokerList,
  ...kafkaSecurityVariables,
  DATABASE_URL: postgresUrl,
  ...databaseVariables,
  ...registryClientVariables,
  LOG_LEVEL: logLevel,
  SCHEMA_REGISTRY_URL: z.url({ error: 'must be an http(s) URL' }).default('http://127.0.0.1:8081'),
  /** The consumer group; instances sharing it share the partitions. Tests must set their own. */
  AUDIT_GROUP_ID: consumerGroupId('audit'),
  /**
   * Unset (the default), the audit takes every event type, including types created while
   * running. A regular expression narrows the event-type topics it reads: for a deployment that
   * audits only some domains, and for tests that must stay off the other topics of a shared broker.
   */
  AUDIT_TOPIC_PATTERN: optionalRegExp,
  /**
   * How long the group waits for a silent instance (a crashed one) before giving its partitions
   * to the others. Kafka's default is 30 s; the broker accepts 6 s and more by default.
   */
  AUDIT_SESSION_TIMEOUT_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int('must be a whole number of milliseconds')
    .min(3_000, 'must be at least 3000 ms')
    .default(30_000),
});

export type AuditConfig = z.output<typeof auditConfigSchema>;
