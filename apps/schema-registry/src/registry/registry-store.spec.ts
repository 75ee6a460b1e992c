import type { SchemaLog } from './schema-log.port';
import { InMemorySchemaLog } from '../storage/in-memory-schema-log';
import { registryOn, USER_V1 } from '../spec-support/registry-fixture';
import { StoreError, StoreTimeoutError, UnknownLeaderError } from './registry-errors';
import { RegistryStore } from './registry-store';
import { SchemaRegistration } from './schema-registration';
import { stringMatching } from '../spec-support/matchers';

function logWith(overrides: Partial<SchemaLog>): SchemaLog {
  const memory = new InMemorySchemaLog();
  return {
    start: (apply) => memory.start(apply),
    get appliedOffset() {
      return memory.appliedOffset;
    },
    append: (key, value) => memory.append(key, value),
    waitUntilCaughtUp: () => memory.waitUntilCaughtUp(),
    stop: () => memory.stop(),
    ...overrides,
  };
}

const never = () => new Promise<never>(() => undefined);

describe('RegistryStore', () => {
  it('answers reads only once the log is loaded, and times out (50002) when it never loads', async () => {
    const r = registryOn(logWith({ start: never }), { storeTimeoutMs: 20 });
    void r.store.start();
    await expect(r.store.checkLoaded()).rejects.toThrow('still reading the _schemas log');
    await expect(r.subjects.subjects()).rejects.toBeInstanceOf(StoreTimeoutError);
  });

  it('reports a log that failed to load as a store error (50001)', async () => {
    const r = registryOn(logWith({ start: () => Promise.reject(new Error('broker down')) }));
    await expect(r.store.start()).rejects.toThrow('Error while reading the _schemas log: broker down');
    await expect(r.store.checkLoaded()).rejects.toThrow('broker down');
    await expect(r.subjects.subjects()).rejects.toBeInstanceOf(StoreError);
  });

  it('turns a failed append into a retriable store error and keeps serving later writes', async () => {
    let fail = true;
    const memory = new InMemorySchemaLog();
    const r = registryOn({
      start: (apply) => memory.start(apply),
      get appliedOffset() {
        return memory.appliedOffset;
      },
      append: (key, value) =>
        fail ? Promise.reject(new Error('not enough replicas')) : memory.append(key, value),
      waitUntilCaughtUp: () => memory.waitUntilCaughtUp(),
      stop: () => memory.stop(),
    });
    await r.store.start();
    const failure = r.registration.register('s', USER_V1);
    await expect(failure).rejects.toBeInstanceOf(StoreError);
    await expect(failure).rejects.toMatchObject({
      retriable: true,
      message: stringMatching(/not enough replicas/),
    });
    fail = false;
    await expect(r.registration.register('s', USER_V1)).resolves.toEqual({ id: 1 });
  });

  it('bounds the wait for catching up before a write (50002)', async () => {
    const r = registryOn(logWith({ waitUntilCaughtUp: never }), { storeTimeoutMs: 20 });
    await r.store.start();
    await expect(r.registration.register('s', USER_V1)).rejects.toThrow(
      /Operation timed out: catching up with the _schemas log/,
    );
  });

  it('maps a storage timeout (an error whose code names one) to 50002', async () => {
    const timeout = Object.assign(new Error('read-back took too long'), { code: 'CATCH_UP_TIMEOUT' });
    const r = registryOn(logWith({ append: () => Promise.reject(timeout) }));
    await r.store.start();
    const failure = r.registration.register('s', USER_V1);
    await expect(failure).rejects.toBeInstanceOf(StoreTimeoutError);
    await expect(failure).rejects.toThrow(
      'Operation timed out: writing to the _schemas log: read-back took too long',
    );
  });

  it('does not append once this instance stopped leading while the write waited', async () => {
    const memory = new InMemorySchemaLog();
    const leader: { url: string | undefined } = { url: undefined };
    const store = new RegistryStore(memory, { storeTimeoutMs: 1_000 }, { leaderUrl: () => leader.url });
    await store.start();
    const registration = new SchemaRegistration(store);
    await expect(registration.register('s', USER_V1)).resolves.toEqual({ id: 1 });
    leader.url = 'http://other:8081';
    await expect(registration.register('t', USER_V1)).rejects.toBeInstanceOf(UnknownLeaderError);
    expect(memory.records()).toHaveLength(1);
  });
});
