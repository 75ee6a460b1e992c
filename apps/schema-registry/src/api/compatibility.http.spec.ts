import { recordInput, USER_V1 } from '../spec-support/registry-fixture';
import { startRegistryApp, type RegistryTestApp } from '../spec-support/registry-test-app';
import { arrayContaining, stringMatching } from '../spec-support/matchers';

let registry: RegistryTestApp;

const V1 = recordInput('Event', [{ name: 'a', type: 'string' }]);
const V2 = recordInput('Event', [{ name: 'b', type: 'string', default: '' }]);
const V3 = recordInput('Event', [{ name: 'b', type: 'string' }]);

beforeAll(async () => {
  registry = await startRegistryApp();
  await registry.request('PUT', '/config/events-value', { body: { compatibility: 'BACKWARD_TRANSITIVE' } });
  await registry.request('POST', '/subjects/events-value/versions', { body: V1 });
  await registry.request('POST', '/subjects/events-value/versions', { body: V2 });
});

afterAll(async () => {
  await registry.close();
});

const check = (url: string, body: unknown) => registry.request('POST', url, { body });

describe('/compatibility over HTTP', () => {
  it('checks one version only: {is_compatible} without messages unless verbose', async () => {
    await expect(check('/compatibility/subjects/events-value/versions/latest', V3)).resolves.toMatchObject({
      status: 200,
      body: { is_compatible: true },
    });
    const plain = await check('/compatibility/subjects/events-value/versions/1', V3);
    expect(plain).toMatchObject({ status: 200 });
    expect(plain.body).toEqual({ is_compatible: false });
    const verbose = await check('/compatibility/subjects/events-value/versions/1?verbose=true', V3);
    expect(verbose.body).toEqual({
      is_compatible: false,
      messages: arrayContaining([stringMatching(/READER_FIELD_MISSING_DEFAULT_VALUE/)]),
    });
    const compatibleVerbose = await check('/compatibility/subjects/events-value/versions/2?verbose=true', V3);
    expect(compatibleVerbose.body).toEqual({ is_compatible: true, messages: [] });
  });

  it('checks every live version like registration when no version is named', async () => {
    await expect(
      check('/compatibility/subjects/events-value/versions?verbose=true', V3),
    ).resolves.toMatchObject({
      status: 200,
      body: { is_compatible: false, messages: arrayContaining(['{oldSchemaVersion: 1}']) },
    });
  });

  it('answers 40401 / 40402 for a named version that does not exist; latest of nothing is compatible', async () => {
    await expect(check('/compatibility/subjects/none/versions/latest', USER_V1)).resolves.toMatchObject({
      status: 200,
      body: { is_compatible: true },
    });
    await expect(check('/compatibility/subjects/none/versions/1', USER_V1)).resolves.toMatchObject({
      status: 404,
      body: { error_code: 40401 },
    });
    await expect(check('/compatibility/subjects/events-value/versions/9', USER_V1)).resolves.toMatchObject({
      status: 404,
      body: { error_code: 40402 },
    });
    await expect(
      check('/compatibility/subjects/events-value/versions/1', { schema: '{' }),
    ).resolves.toMatchObject({
      status: 422,
      body: { error_code: 42201 },
    });
  });
});
