import { USER_NO_DEFAULT, USER_V1, USER_V2 } from '../spec-support/registry-fixture';
import { startRegistryApp, type RegistryTestApp } from '../spec-support/registry-test-app';

let registry: RegistryTestApp;

beforeEach(async () => {
  registry = await startRegistryApp();
});

afterEach(async () => {
  await registry.close();
});

const call = (method: string, url: string, body?: unknown) => registry.request(method, url, { body });

describe('/config over HTTP', () => {
  it('reads, sets and deletes the global level', async () => {
    await expect(call('GET', '/config')).resolves.toMatchObject({
      status: 200,
      body: { compatibilityLevel: 'BACKWARD' },
    });
    await expect(call('PUT', '/config', { compatibility: 'full' })).resolves.toMatchObject({
      status: 200,
      body: { compatibility: 'FULL' },
    });
    await expect(call('GET', '/config')).resolves.toMatchObject({ body: { compatibilityLevel: 'FULL' } });
    await expect(call('DELETE', '/config')).resolves.toMatchObject({
      status: 200,
      body: { compatibilityLevel: 'FULL' },
    });
    await expect(call('GET', '/config')).resolves.toMatchObject({ body: { compatibilityLevel: 'BACKWARD' } });
  });

  it('answers 40408 for a subject without its own level unless defaultToGlobal=true', async () => {
    await expect(call('GET', '/config/users-value')).resolves.toMatchObject({
      status: 404,
      body: {
        error_code: 40408,
        message: "Subject 'users-value' does not have subject-level compatibility configured",
      },
    });
    await expect(call('GET', '/config/users-value?defaultToGlobal=true')).resolves.toMatchObject({
      status: 200,
      body: { compatibilityLevel: 'BACKWARD' },
    });
  });

  it('a subject level is enforced on registration and can be removed again', async () => {
    await call('POST', '/subjects/users-value/versions', USER_V1);
    await expect(call('PUT', '/config/users-value', { compatibility: 'NONE' })).resolves.toMatchObject({
      status: 200,
      body: { compatibility: 'NONE' },
    });
    await expect(call('GET', '/config/users-value')).resolves.toMatchObject({
      body: { compatibilityLevel: 'NONE' },
    });
    await expect(call('POST', '/subjects/users-value/versions', USER_NO_DEFAULT)).resolves.toMatchObject({
      status: 200,
    });
    await expect(call('DELETE', '/config/users-value')).resolves.toMatchObject({
      status: 200,
      body: { compatibilityLevel: 'NONE' },
    });
    await expect(call('DELETE', '/config/users-value')).resolves.toMatchObject({
      status: 404,
      body: { error_code: 40401 },
    });
  });
});

describe('/mode over HTTP', () => {
  it('reads, sets and deletes the global mode; READONLY refuses writes with 42205', async () => {
    await expect(call('GET', '/mode')).resolves.toMatchObject({ status: 200, body: { mode: 'READWRITE' } });
    await call('POST', '/subjects/users-value/versions', USER_V1);
    await expect(call('PUT', '/mode', { mode: 'READONLY' })).resolves.toMatchObject({
      status: 200,
      body: { mode: 'READONLY' },
    });
    await expect(call('POST', '/subjects/users-value/versions', USER_V2)).resolves.toMatchObject({
      status: 422,
      body: { error_code: 42205, message: 'Subject users-value is in read-only mode' },
    });
    await expect(call('DELETE', '/subjects/users-value')).resolves.toMatchObject({
      status: 422,
      body: { error_code: 42205 },
    });
    await expect(call('POST', '/subjects/users-value/versions', USER_V1)).resolves.toMatchObject({
      status: 200,
      body: { id: 1 },
    });
    await expect(call('DELETE', '/mode')).resolves.toMatchObject({ status: 200, body: { mode: 'READONLY' } });
    await expect(call('GET', '/mode')).resolves.toMatchObject({ body: { mode: 'READWRITE' } });
  });

  it('subject modes: 40409 when unset, defaultToGlobal, delete answers the old mode', async () => {
    await expect(call('GET', '/mode/users-value')).resolves.toMatchObject({
      status: 404,
      body: { error_code: 40409 },
    });
    await expect(call('GET', '/mode/users-value?defaultToGlobal=true')).resolves.toMatchObject({
      body: { mode: 'READWRITE' },
    });
    await expect(call('PUT', '/mode/users-value', { mode: 'readonly' })).resolves.toMatchObject({
      body: { mode: 'READONLY' },
    });
    await expect(call('POST', '/subjects/users-value/versions', USER_V1)).resolves.toMatchObject({
      status: 422,
      body: { error_code: 42205 },
    });
    await expect(call('POST', '/subjects/other-value/versions', USER_V1)).resolves.toMatchObject({
      status: 200,
    });
    await expect(call('DELETE', '/mode/users-value')).resolves.toMatchObject({ body: { mode: 'READONLY' } });
    await expect(call('DELETE', '/mode/users-value')).resolves.toMatchObject({
      status: 404,
      body: { error_code: 40401 },
    });
  });

  it('IMPORT needs an empty registry unless force=true, then takes ids from the request', async () => {
    await call('POST', '/subjects/users-value/versions', USER_V1);
    await expect(call('PUT', '/mode', { mode: 'IMPORT' })).resolves.toMatchObject({
      status: 422,
      body: { error_code: 42205, message: 'Cannot import since found existing subjects' },
    });
    await expect(call('PUT', '/mode?force=true', { mode: 'IMPORT' })).resolves.toMatchObject({ status: 200 });
    await expect(
      call('POST', '/subjects/imported-value/versions', { ...USER_V2, id: 40, version: 3 }),
    ).resolves.toMatchObject({ status: 200, body: { id: 40 } });
    await expect(call('GET', '/subjects/imported-value/versions/3')).resolves.toMatchObject({
      body: { id: 40, version: 3 },
    });
  });
});
