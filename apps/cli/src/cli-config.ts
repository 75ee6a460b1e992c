/** What the CLI reads from the environment. KAFKA_BROKERS has no default here: unset means "run the local Kafka". */
import { z } from 'zod';
import { loadConfig, optionalBrokerList, postgresUrl } from '@app/config';

const httpUrl = (fallback: string, example: string) =>
  z.url({ error: `must be an http(s) URL such as ${example}` }).default(fallback);

const cliConfigSchema = z.object({
  KAFKA_BROKERS: optionalBrokerList,
  DATABASE_URL: postgresUrl,
  /** The gateway `herald publish` sends to. */
  GATEWAY_URL: httpUrl('http://127.0.0.1:8080', 'http://127.0.0.1:8080'),
  /** The API key `herald publish` sends (`herald keys create` makes one). */
  HERALD_API_KEY: z
    .string()
    .optional()
    .transform((key) => (key === '' ? undefined : key)),
  /** The schema registry `herald tail` decodes through. */
  SCHEMA_REGISTRY_URL: httpUrl('http://127.0.0.1:8081', 'http://127.0.0.1:8081'),
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
