/** What the CLI reads from the environment. KAFKA_BROKERS has no default here: unset means "run the local Kafka". */
import { z } from 'zod';
import {
  databaseVariables,
  kafkaSecurity,
  kafkaSecurityVariables,
  loadConfig,
  optionalBrokerList,
  postgresUrl,
  registryClientVariables,
  registryConnection,
  type Env,
  type KafkaConnection,
  type RegistryConnection,
} from '@app/config';

const httpUrl = (fallback: string, example: string) =>
  z.url({ error: `must be an http(s) URL such as ${example}` }).default(fallback);

export const cliConfigSchema = z.object({
  KAFKA_BROKERS: optionalBrokerList,
  /** TLS and SASL to Kafka, as every app reads them (docs/operations.md). */
  ...kafkaSecurityVariables,
  DATABASE_URL: postgresUrl,
  ...databaseVariables,
  /** The gateway `herald publish` sends to. */
  GATEWAY_URL: httpUrl('http://127.0.0.1:8080', 'http://127.0.0.1:8080'),
  /** The API key `herald publish` sends (`herald keys create` makes one). */
  HERALD_API_KEY: z
    .string()
    .optional()
    .transform((key) => (key === '' ? undefined : key)),
  /** The schema registry `herald tail` decodes through. */
  SCHEMA_REGISTRY_URL: httpUrl('http://127.0.0.1:8081', 'http://127.0.0.1:8081'),
  /** Basic auth, bearer token and CA of the registry, as the apps read them. */
  ...registryClientVariables,
  /** The webhooks app `herald webhooks pins` asks. */
  WEBHOOKS_URL: httpUrl('http://127.0.0.1:8082', 'http://127.0.0.1:8082'),
  /** Its admin token, for `herald webhooks pins` and `herald schemas check --pins <url>`. */
  WEBHOOKS_ADMIN_TOKEN: z
    .string()
    .optional()
    .transform((token) => (token === '' ? undefined : token)),
});

export type CliConfig = z.output<typeof cliConfigSchema>;

export function cliConfig(): CliConfig {
  return loadConfig(cliConfigSchema, process.env);
}

/** KAFKA_SSL* and KAFKA_SASL_* of `env`, checked, as kafkajs' ssl/sasl (nothing for plaintext). */
export function cliKafkaSecurity(env: Env = process.env): Pick<KafkaConnection, 'ssl' | 'sasl'> {
  return kafkaSecurity(loadConfig(z.object(kafkaSecurityVariables), env));
}

/** The registry client's options: `url` (a --registry flag) or SCHEMA_REGISTRY_URL, with its auth and CA. */
export function cliRegistry(url: string | undefined, env: Env = process.env): RegistryConnection {
  const config = loadConfig(
    z.object({
      SCHEMA_REGISTRY_URL: httpUrl('http://127.0.0.1:8081', 'http://127.0.0.1:8081'),
      ...registryClientVariables,
    }),
    env,
  );
  return registryConnection({ ...config, SCHEMA_REGISTRY_URL: url ?? config.SCHEMA_REGISTRY_URL });
}
