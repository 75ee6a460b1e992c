import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { startRegistryApp } from '../spec-support/registry-test-app';
import { arrayContaining } from '../spec-support/matchers';

describe('OpenAPI document', () => {
  it('documents the registry routes next to the platform ones', async () => {
    const registry = await startRegistryApp();
    try {
      const document = SwaggerModule.createDocument(registry.app, new DocumentBuilder().build());
      expect(Object.keys(document.paths)).toEqual(
        arrayContaining([
          '/',
          '/subjects',
          '/subjects/{subject}',
          '/subjects/{subject}/versions',
          '/subjects/{subject}/versions/{version}',
          '/subjects/{subject}/versions/{version}/schema',
          '/schemas/ids/{id}',
          '/config/{subject}',
          '/mode/{subject}',
          '/compatibility/subjects/{subject}/versions/{version}',
          '/health/ready',
        ]),
      );
    } finally {
      await registry.close();
    }
  });
});
