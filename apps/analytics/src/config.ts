/** The analytics app's configuration: the environment variables it reads, validated at boot. */
import { z } from 'zod';
import { brokerList, httpHost, logLevel, port, postgresUrl } from '@app/platform';

export const analyticsConfigSchema = z.object({
  ANALYTICS_PORT: port(8083),
  HOST: httpHost,
  KAFKA_BROKERS: brokerList,
  DATABASE_URL: postgresUrl,
  LOG_LEVEL: logLevel,
});

export type AnalyticsConfig = z.output<typeof analyticsConfigSchema>;
