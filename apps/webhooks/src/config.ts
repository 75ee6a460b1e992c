/** The webhooks app's configuration: the environment variables it reads, validated at boot. */
import { z } from 'zod';
import { brokerList, httpHost, logLevel, port, postgresUrl } from '@app/platform';

export const webhooksConfigSchema = z.object({
  WEBHOOKS_PORT: port(8082),
  HOST: httpHost,
  KAFKA_BROKERS: brokerList,
  DATABASE_URL: postgresUrl,
  LOG_LEVEL: logLevel,
});

export type WebhooksConfig = z.output<typeof webhooksConfigSchema>;
