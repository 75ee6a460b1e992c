import { runService } from '@app/platform';
import { webhooksConfigSchema } from './config';
import { WebhooksModule } from './webhooks.module';

void runService(
  {
    name: 'webhooks',
    title: 'Herald webhooks',
    description: 'Webhook endpoints API, fan-out from Kafka and signed, retried deliveries.',
    configSchema: webhooksConfigSchema,
    module: (config) => WebhooksModule.register(config),
    port: (config) => config.WEBHOOKS_PORT,
    host: (config) => config.HOST,
  },
  process.env,
);
