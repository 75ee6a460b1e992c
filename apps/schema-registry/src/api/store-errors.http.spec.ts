import type { SchemaLog } from '../registry/schema-log.port';
import { confluentError, stringMatching } from '../spec-support/matchers';
import { USER_V1 } from '../spec-support/registry-fixture';
import { startRegistryApp, type RegistryTestApp } from '../spec-support/registry-test-app';

describe('store failures over HTTP: 5xx with Confluent’s 5000x codes', () => {
  let registry: RegistryTestApp;

  afterEach(async () => {
    await registry.close();
  });

  it('a failed append answers 500 / 50001 and writes nothing', async () => {
    registry = await startRegistryApp({
      wrapLog: (log): SchemaLog => ({
        start: (apply) => log.start(apply),
        get appliedOffset() {
          return log.appliedOffset;
        },
        append: () => Promise.reject(new Error('NOT_ENOUGH_REPLICAS')),
        waitUntilCaughtUp: () => log.waitUntilCaughtUp(),
        stop: () => log.stop(),
      }),
    });
    const response = await registry.request('POST', '/subjects/s/versions', { body: USER_V1 });
    expect(response).toEqual(confluentError(500, 50001, stringMatching(/NOT_ENOUGH_REPLICAS/)));
    await expect(registry.request('GET', '/subjects')).resolves.toMatchObject({ status: 200, body: [] });
  });

  it('a log that does not catch up in time answers 500 / 50002', async () => {
    registry = await startRegistryApp({
      env: { REGISTRY_STORE_TIMEOUT_MS: '50' },
      wrapLog: (log): SchemaLog => ({
        start: (apply) => log.start(apply),
        get appliedOffset() {
          return log.appliedOffset;
        },
        append: (key, value) => log.append(key, value),
        waitUntilCaughtUp: () => new Promise<never>(() => undefined),
        stop: () => log.stop(),
      }),
    });
    const response = await registry.request('PUT', '/config', { body: { compatibility: 'NONE' } });
    expect(response).toEqual(confluentError(500, 50002, stringMatching(/^Operation timed out/)));
  });
});
