/**
 * Starts the webhooks app: the HTTP app (admin API, health, metrics, docs), the fan-out consumer
 * attached as the app's microservice transport (readiness `kafka-consumer:<group>`), resuming from
 * the positions stored in the webhooks schema with its deliveries, and the delivery loop (started
 * by DeliveryLifecycle). The schema belongs to one consumer group: started with another
 * WEBHOOKS_GROUP_ID, the app refuses to start. Used by main.ts and the tests.
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Kysely } from 'kysely';
import { resolve } from 'node:path';
import { connectHeraldConsumer } from '@app/kafka';
import { claimConsumerGroup, DATABASE, PostgresConsumerPositions } from '@app/persistence';
import {
  createHttpApp,
  kafkaConnection,
  MetricsService,
  registryConnection,
  type AppDocs,
} from '@app/platform';
import { RegistryClient } from '@app/registry-client';
import { loadCatalog, type Catalog } from '@app/schema';
import { WEBHOOKS_HTTP_OPTIONS } from './api/webhooks-exception.filter';
import type { WebhooksConfig } from './config';
import { WebhooksModule } from './webhooks.module';

export const WEBHOOKS_DOCS = {
  name: 'webhooks',
  title: 'Herald webhooks',
  description: 'Webhook endpoints API, fan-out from Kafka and signed, retried deliveries.',
  securitySchemes: {
    // `bearer`: the scheme `@ApiBearerAuth()` names on every admin route (everything under /v1).
    bearer: {
      type: 'http',
      scheme: 'bearer',
      description:
        'The admin token: WEBHOOKS_ADMIN_TOKEN (`npm run up` keeps a generated one in webhooks.env).',
    },
  },
} satisfies AppDocs;

export async function startWebhooksApp(
  config: WebhooksConfig,
  catalog?: Catalog,
): Promise<NestFastifyApplication> {
  const loaded = catalog ?? (await loadCatalog(resolve(config.SCHEMAS_DIR)));
  const app = await createHttpApp(
    WebhooksModule.register(config, loaded),
    WEBHOOKS_DOCS,
    WEBHOOKS_HTTP_OPTIONS,
  );
  try {
    await app.init(); // migrations run here, before anything is consumed
    const db = app.get<Kysely<unknown>>(DATABASE);
    await claimConsumerGroup(db, config.WEBHOOKS_GROUP_ID, 'webhooks');
    connectHeraldConsumer(app, {
      ...kafkaConnection(config),
      groupId: config.WEBHOOKS_GROUP_ID,
      clientId: 'herald-webhooks',
      schemaSource: new RegistryClient(registryConnection(config)),
      metrics: app.get(MetricsService).registry,
      positions: new PostgresConsumerPositions(db),
      // The fan-out reads only the tenant field; bodies are rendered per endpoint version at delivery.
      payload: 'avro',
      ...(config.WEBHOOKS_TOPIC_PATTERN === undefined
        ? {}
        : { everyEventTopics: config.WEBHOOKS_TOPIC_PATTERN }),
    });
    await app.startAllMicroservices();
    await app.listen(config.WEBHOOKS_PORT, config.HOST);
    return app;
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
}
