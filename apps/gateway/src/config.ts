/** The gateway app's configuration: the environment variables it reads, validated at boot. */
import { z } from 'zod';
import { brokerList, httpHost, logLevel, port, postgresUrl } from '@app/platform';

export const gatewayConfigSchema = z.object({
  GATEWAY_PORT: port(8080),
  HOST: httpHost,
  KAFKA_BROKERS: brokerList,
  DATABASE_URL: postgresUrl,
  LOG_LEVEL: logLevel,
});

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;
