import { runService } from '@app/platform';
import { GATEWAY_SECURITY_SCHEMES } from './api/openapi-schemas';
import { gatewayConfigSchema } from './config';
import { GatewayModule } from './gateway.module';

void runService(
  {
    name: 'gateway',
    title: 'Herald gateway',
    description: 'HTTP producer gateway: validates versioned Avro events and publishes them to Kafka.',
    securitySchemes: GATEWAY_SECURITY_SCHEMES,
    configSchema: gatewayConfigSchema,
    module: (config) => GatewayModule.register(config),
    port: (config) => config.GATEWAY_PORT,
    host: (config) => config.HOST,
    cluster: { workers: (config) => config.GATEWAY_WORKERS },
  },
  process.env,
);
