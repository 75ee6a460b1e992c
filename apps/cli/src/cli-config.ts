/** What the CLI reads from the environment. KAFKA_BROKERS has no default here: unset means "run the local Kafka". */
import { z } from 'zod';
import { loadConfig, optionalBrokerList, postgresUrl } from '@app/platform';

const cliConfigSchema = z.object({
  KAFKA_BROKERS: optionalBrokerList,
  DATABASE_URL: postgresUrl,
});

export type CliConfig = z.output<typeof cliConfigSchema>;

export function cliConfig(): CliConfig {
  return loadConfig(cliConfigSchema, process.env);
}
