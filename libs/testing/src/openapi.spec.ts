import { openApiProblems } from './openapi';

const valid = {
  openapi: '3.0.0',
  info: { title: 'test', version: '1' },
  paths: {
    '/v1/things': {
      post: { security: [{ bearer: [] }], responses: { '202': { description: 'accepted' } } },
    },
  },
  components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
};

describe('openApiProblems', () => {
  it('finds nothing wrong with a valid document that declares the schemes it uses', async () => {
    await expect(openApiProblems(valid)).resolves.toEqual([]);
  });

  it('names a security requirement whose scheme is not declared', async () => {
    const { components: _declared, ...undeclared } = valid;
    await expect(openApiProblems(undeclared)).resolves.toEqual([
      'POST /v1/things requires security scheme "bearer", which components.securitySchemes does not declare',
    ]);
  });

  it('reports what the OpenAPI specification forbids', async () => {
    const { info: _info, ...untitled } = valid;
    await expect(openApiProblems(untitled)).resolves.toEqual([
      expect.stringContaining("must have required property 'info'"),
    ]);
    await expect(
      openApiProblems({
        ...valid,
        paths: { '/v1/things/{id}': { get: { responses: { '200': { description: 'ok' } } } } },
      }),
    ).resolves.toEqual(['`/paths/v1/things/{id}/get` is missing path parameter(s) for `{id}`.']);
  });
});
