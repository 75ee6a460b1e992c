/** The schema-registry app's configuration: the environment variables it reads, validated at boot. */
import { z } from 'zod';
import { brokerList, httpHost, logLevel, port, sharedGroupName } from '@app/platform';

export const schemaRegistryConfigSchema = z.object({
  REGISTRY_PORT: port(8081),
  HOST: httpHost,
  KAFKA_BROKERS: brokerList,
  LOG_LEVEL: logLevel,
  /**
   * The compacted, single-partition topic holding every schema, config and mode (Confluent's
   * `kafkastore.topic`). It also names the leader election (`<topic>_leader`, consumer group
   * `<topic>-leader-election`), so instances on one topic elect one writer; tests must set their own.
   */
  REGISTRY_TOPIC: sharedGroupName(
    z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'must be a Kafka topic name (letters, digits, . _ -)'),
    '_schemas',
  ),
  /** How other instances reach this one to forward writes; defaults to http://127.0.0.1:<REGISTRY_PORT>. */
  REGISTRY_ADVERTISED_URL: z
    .url({ error: 'must be an http(s) URL such as http://registry-1:8081' })
    .optional(),
  /** Bound on each wait for the `_schemas` log (load, catch-up, one append); past it: 50002. */
  REGISTRY_STORE_TIMEOUT_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int('must be a whole number of milliseconds')
    .min(10, 'must be at least 10 ms')
    .max(600_000, 'must be at most 600000 ms (10 minutes)')
    .default(10_000),
  /** When set, writes need `Authorization: Bearer <token>`; reads stay open. */
  REGISTRY_WRITE_TOKEN: z.string().min(1, 'must not be empty when set').optional(),
  /** When set (`user:password`), writes need that HTTP basic auth; reads stay open. */
  REGISTRY_BASIC_AUTH: z
    .string()
    .regex(/^[^:]+:.+$/, 'must be user:password, both non-empty')
    .optional(),
});

export type SchemaRegistryConfig = z.output<typeof schemaRegistryConfigSchema>;
