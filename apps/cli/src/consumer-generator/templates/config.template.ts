/** apps/<name>/src/config.ts: the environment variables the app reads, validated at boot. */
import { lib, type ConsumerSpec } from '../consumer-description';

export function configTemplate(s: ConsumerSpec): string {
  return `/** ${s.name}'s configuration: the environment variables it reads, validated at boot. */
import { z } from 'zod';
import {
  brokerList,
  consumerGroupId,
  httpHost,
  kafkaSecurityVariables,
  logLevel,
  port,
  registryClientVariables,
} from '${lib('platform')}';

/** Levels of the one line each handled event is logged with. */
export const EVENT_LOG_LEVELS = ['info', 'debug', 'silent'] as const;
export type EventLogLevel = (typeof EVENT_LOG_LEVELS)[number];

export const ${s.camelName}ConfigSchema = z.object({
  ${s.envPrefix}_PORT: port(${s.port}),
  HOST: httpHost,
  KAFKA_BROKERS: brokerList,
  /** TLS and SASL to Kafka (KAFKA_SSL*, KAFKA_SASL_*), as every Herald app reads them: docs/operations.md. */
  ...kafkaSecurityVariables,
  SCHEMA_REGISTRY_URL: z
    .string()
    .default('http://127.0.0.1:8081')
    .refine((value) => /^https?:\\/\\/[^/]+/.test(value), 'must be an http(s) URL such as http://127.0.0.1:8081'),
  /** The registry's basic auth, bearer token and CA (SCHEMA_REGISTRY_BASIC_AUTH, _TOKEN, _CA_FILE). */
  ...registryClientVariables,
  /**
   * The Kafka consumer group: every instance of this app shares it, so they share the partitions.
   * Tests give each run its own (a test run refuses this default: HERALD_REFUSE_DEFAULT_GROUPS).
   */
  CONSUMER_GROUP: consumerGroupId('${s.name}'),
  LOG_LEVEL: logLevel,
  /**
   * The level of the line logged for each handled event: info shows every event at the default
   * LOG_LEVEL, debug only with LOG_LEVEL=debug, silent never.
   */
  EVENT_LOG_LEVEL: z
    .enum(EVENT_LOG_LEVELS, { error: \`must be one of \${EVENT_LOG_LEVELS.join(', ')}\` })
    .default('info'),
});

export type ${s.className}Config = z.output<typeof ${s.camelName}ConfigSchema>;
`;
}
