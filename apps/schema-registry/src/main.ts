import { runService } from '@app/platform';
import { REGISTRY_DOCS, REGISTRY_HTTP_OPTIONS } from './api';
import { schemaRegistryConfigSchema } from './config';
import { SchemaRegistryModule } from './schema-registry.module';

void runService(
  {
    ...REGISTRY_DOCS,
    configSchema: schemaRegistryConfigSchema,
    module: (config) => SchemaRegistryModule.register(config),
    port: (config) => config.REGISTRY_PORT,
    host: (config) => config.HOST,
    http: REGISTRY_HTTP_OPTIONS,
  },
  process.env,
);
