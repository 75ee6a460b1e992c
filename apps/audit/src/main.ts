import { runService } from '@app/platform';
import { auditConfigSchema } from './config';
import { AuditModule } from './audit.module';

void runService(
  {
    name: 'audit',
    title: 'Herald audit',
    description: 'Audit consumer: stores every event once in hash chains and verifies them.',
    configSchema: auditConfigSchema,
    module: (config) => AuditModule.register(config),
    port: (config) => config.AUDIT_PORT,
    host: (config) => config.HOST,
  },
  process.env,
);
