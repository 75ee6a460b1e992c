import { openApiDocument } from '@app/platform';
import { openApiProblems } from '@app/testing';
import { startRegistryApp } from '../spec-support/registry-test-app';
import { arrayContaining } from '../spec-support/matchers';
import { REGISTRY_DOCS } from './registry-openapi';

describe('OpenAPI document', () => {
  it('documents the registry routes next to the platform ones, valid by the OpenAPI specification', async () => {
    const registry = await startRegistryApp();
    try {
      const document = openApiDocument(registry.app, REGISTRY_DOCS);
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
      await expect(openApiProblems(document)).resolves.toEqual([]);
    } finally {
      await registry.close();
    }
  });

  it('asks for the write credentials (bearer or basic) on every write and on no read', async () => {
    const registry = await startRegistryApp();
    try {
      const document = openApiDocument(registry.app, REGISTRY_DOCS);
      expect(Object.keys(document.components?.securitySchemes ?? {}).sort()).toEqual(['basic', 'bearer']);
      const operations = Object.entries(document.paths).flatMap(([path, item]) =>
        (['get', 'post', 'put', 'delete'] as const).flatMap((method) => {
          const operation = item[method];
          return operation === undefined ? [] : [{ route: `${method.toUpperCase()} ${path}`, operation }];
        }),
      );
      // POST /subjects/{subject} only looks a schema up; POST .../compatibility/... only tests one.
      const isWrite = (route: string) =>
        /^(PUT|DELETE) /.test(route) || route === 'POST /subjects/{subject}/versions';
      const guarded = operations.filter(({ operation }) => (operation.security ?? []).length > 0);
      expect(guarded.map(({ route }) => route).sort()).toEqual(
        operations
          .map(({ route }) => route)
          .filter(isWrite)
          .sort(),
      );
      for (const { operation } of guarded) {
        expect(operation.security).toEqual([{ bearer: [] }, { basic: [] }]);
      }
    } finally {
      await registry.close();
    }
  });
});
