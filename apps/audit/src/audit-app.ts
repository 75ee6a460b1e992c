/**
 * Starts the audit app: the HTTP app every Herald service is, plus the consumer attached as
 * the app's microservice transport (so `@EventPattern` handlers run on it, and readiness
 * includes it as `kafka-consumer:<group>`). Used by main.ts.
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { connectHeraldConsumer } from '@app/kafka';
import { createHttpApp, MetricsService } from '@app/platform';
import { AuditModule } from './audit.module';
import type { AuditConfig } from './config';
import { auditConsumerOptions } from './consumer/audit-consumer';

export const AUDIT_DOCS = {
  name: 'audit',
  title: 'Herald audit',
  description: 'Audit consumer: stores every event once in hash chains and verifies them.',
};

export async function startAuditApp(config: AuditConfig): Promise<NestFastifyApplication> {
  const app = await createHttpApp(AuditModule.register(config), AUDIT_DOCS);
  try {
    connectHeraldConsumer(app, auditConsumerOptions(config, app.get(MetricsService).registry));
    await app.startAllMicroservices();
    await app.listen(config.AUDIT_PORT, config.HOST);
    return app;
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
}
