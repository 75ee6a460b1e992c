import { USER_V1 } from '../spec-support/registry-fixture';
import { startRegistryApp, type RegistryTestApp } from '../spec-support/registry-test-app';
import { anyString } from '../spec-support/matchers';

const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;

describe('write auth over HTTP', () => {
  let registry: RegistryTestApp;

  afterEach(async () => {
    await registry.close();
  });

  it('leaves everything open when no credentials are configured', async () => {
    registry = await startRegistryApp();
    await expect(registry.request('POST', '/subjects/s/versions', { body: USER_V1 })).resolves.toMatchObject({
      status: 200,
    });
  });

  it('with a bearer token: writes need it (401 / 40101), reads stay open', async () => {
    registry = await startRegistryApp({ env: { REGISTRY_WRITE_TOKEN: 's3cret' } });
    const refused = await registry.request('POST', '/subjects/s/versions', { body: USER_V1 });
    expect(refused).toMatchObject({ status: 401, body: { error_code: 40101, message: anyString() } });
    expect(refused.headers['www-authenticate']).toBe('Bearer realm="schema-registry"');
    const wrong = await registry.request('PUT', '/config', {
      body: { compatibility: 'NONE' },
      headers: { authorization: 'Bearer s3cre' },
    });
    expect(wrong).toMatchObject({ status: 401, body: { error_code: 40101 } });
    const accepted = await registry.request('POST', '/subjects/s/versions', {
      body: USER_V1,
      headers: { authorization: 'bearer s3cret' },
    });
    expect(accepted).toMatchObject({ status: 200, body: { id: 1 } });
    await expect(registry.request('GET', '/schemas/ids/1')).resolves.toMatchObject({ status: 200 });
    await expect(registry.request('POST', '/subjects/s', { body: USER_V1 })).resolves.toMatchObject({
      status: 200,
    });
    await expect(registry.request('DELETE', '/subjects/s')).resolves.toMatchObject({ status: 401 });
    await expect(registry.request('DELETE', '/mode/s')).resolves.toMatchObject({ status: 401 });
  });

  it('with basic auth: the configured user:password opens writes', async () => {
    registry = await startRegistryApp({ env: { REGISTRY_BASIC_AUTH: 'admin:pa:ss' } });
    await expect(
      registry.request('PUT', '/mode', {
        body: { mode: 'READONLY' },
        headers: { authorization: basic('admin:pass') },
      }),
    ).resolves.toMatchObject({
      status: 401,
      headers: { 'www-authenticate': 'Basic realm="schema-registry"' },
    });
    await expect(
      registry.request('PUT', '/mode', {
        body: { mode: 'READONLY' },
        headers: { authorization: basic('admin:pa:ss') },
      }),
    ).resolves.toMatchObject({ status: 200, body: { mode: 'READONLY' } });
  });
});
