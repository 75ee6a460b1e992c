import { Logger } from '@nestjs/common';
import { HealthRegistry } from '@app/platform';
import { RegistryStore } from '../registry';
import type { SchemaLog } from '../registry/schema-log.port';
import { RegistryLifecycle } from './registry-lifecycle';

function controllableLog() {
  let finishLoading: (() => void) | undefined;
  let failLoading: ((error: Error) => void) | undefined;
  const stop = jest.fn((): Promise<void> => Promise.resolve());
  const log: SchemaLog = {
    start: () =>
      new Promise<void>((resolve, reject) => {
        finishLoading = resolve;
        failLoading = reject;
      }),
    append: () => Promise.reject(new Error('not used')),
    appliedOffset: -1n,
    waitUntilCaughtUp: async () => undefined,
    stop,
  };
  return { log, stop, finish: () => finishLoading?.(), fail: (e: Error) => failLoading?.(e) };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('RegistryLifecycle', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  it('starts the log at boot and reports ready only once it is loaded', async () => {
    const { log, finish } = controllableLog();
    const health = new HealthRegistry();
    new RegistryLifecycle(new RegistryStore(log), health).onApplicationBootstrap();
    await expect(health.readiness()).resolves.toEqual({
      status: 'unavailable',
      checks: { 'schema-log': { status: 'down', error: 'still reading the _schemas log' } },
    });
    finish();
    await settle();
    await expect(health.readiness()).resolves.toEqual({
      status: 'ok',
      checks: { 'schema-log': { status: 'up' } },
    });
  });

  it('reports why the log could not be loaded, and stops the log on shutdown', async () => {
    const { log, fail, stop } = controllableLog();
    const health = new HealthRegistry();
    const lifecycle = new RegistryLifecycle(new RegistryStore(log), health);
    lifecycle.onApplicationBootstrap();
    fail(new Error('topic _schemas has 3 partitions'));
    await settle();
    await expect(health.readiness()).resolves.toMatchObject({
      checks: { 'schema-log': { status: 'down', error: 'topic _schemas has 3 partitions' } },
    });
    await lifecycle.onApplicationShutdown();
    expect(stop).toHaveBeenCalledTimes(1);
  });
});
