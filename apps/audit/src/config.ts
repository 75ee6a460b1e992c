/** The audit app's configuration: the environment variables it reads, validated at boot. */
import { z } from 'zod';
import { brokerList, httpHost, logLevel, port, postgresUrl } from '@app/platform';

export const auditConfigSchema = z.object({
  AUDIT_PORT: port(8084),
  HOST: httpHost,
  KAFKA_BROKERS: brokerList,
  DATABASE_URL: postgresUrl,
  LOG_LEVEL: logLevel,
});

export type AuditConfig = z.output<typeof auditConfigSchema>;
