import { HealthRegistry } from './health';

describe('HealthRegistry', () => {
  it('is ready when every check resolves', async () => {
    const registry = new HealthRegistry();
    registry.register({ name: 'kafka', check: async () => undefined });
    registry.register({ name: 'postgres', check: async () => undefined });
    await expect(registry.readiness()).resolves.toEqual({
      status: 'ok',
      checks: { kafka: { status: 'up' }, postgres: { status: 'up' } },
    });
  });

  it('reports the failing check with its reason', async () => {
    const registry = new HealthRegistry();
    registry.register({ name: 'kafka', check: async () => undefined });
    registry.register({ name: 'postgres', check: () => Promise.reject(new Error('ECONNREFUSED')) });
    await expect(registry.readiness()).resolves.toEqual({
      status: 'unavailable',
      checks: { kafka: { status: 'up' }, postgres: { status: 'down', error: 'ECONNREFUSED' } },
    });
  });

  it('turns a hung check into "down" after the timeout', async () => {
    const registry = new HealthRegistry();
    registry.register({ name: 'kafka', check: () => new Promise<void>(() => undefined) });
    const report = await registry.readiness(20);
    expect(report.checks['kafka']).toEqual({ status: 'down', error: 'no answer within 20 ms' });
  });
});
