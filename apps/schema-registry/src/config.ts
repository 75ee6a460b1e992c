/** The schema-registry app's configuration: the environment variables it reads, validated at boot. */
import { z } from 'zod';
import { brokerList, httpHost, logLevel, port } from '@app/platform';

export const schemaRegistryConfigSchema = z.object({
  REGISTRY_PORT: port(8081),
  HOST: httpHost,
  KAFKA_BROKERS: brokerList,
  LOG_LEVEL: logLevel,
});

export type SchemaRegistryConfig = z.output<typeof schemaRegistryConfigSchema>;
