/**
 * Starts the audit app: the HTTP app every Herald service is, plus the consumer attached as
 * the app's microservice transport (so `@EventPattern` handlers run on it, and readiness
 * includes it as `kafka-consumer:<group>`). The consumer resumes from the positions stored in
 * the audit schema with its rows, and the schema belongs to one consumer group: started with
 * another AUDIT_GROUP_ID, the app refuses to start. Used by main.ts.
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Kysely } from 'kysely';
import { connectHeraldConsumer } from '@app/kafka';
import { claimConsumerGroup, DATABASE, PostgresConsumerPositions } from '@app/persistence';
import { createHttpApp, MetricsService } from '@app/platform';
import { AUDIT_HTTP_OPTIONS } from './api/audit-exception.filter';
import { AuditModule } from './audit.module';
import type { AuditConfig } from './config';
import { auditConsumerOptions } from './consumer/audit-consumer';

export const AUDIT_DOCS = {
  name: 'audit',
  title: 'Herald audit',
  description: 'Audit consumer: stores every event once in hash chains and verifies them.',
};

export async function startAuditApp(config: AuditConfig): Promise<NestFastifyApplication> {
  const app = await createHttpApp(AuditModule.register(config), AUDIT_DOCS, AUDIT_HTTP_OPTIONS);
  try {
    await app.init(); // migrations run here, before anything is consumed
    const db = app.get<Kysely<unknown>>(DATABASE);
    // The database holds one group's positions: another group id would read another history.
    await claimConsumerGroup(db, config.AUDIT_GROUP_ID, 'audit');
    connectHeraldConsumer(
      app,
      auditConsumerOptions(config, app.get(MetricsService).registry, new PostgresConsumerPositions(db)),
    );
    await app.startAllMicroservices();
    await app.listen(config.AUDIT_PORT, config.HOST);
    return app;
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
}
