import type { Endpoint } from '../domain/endpoint';
import { PostgresEndpointDirectory, type EnabledEndpointsSource } from './endpoint-directory.postgres';

const endpoint = (id: string): Endpoint => ({
  id,
  url: 'https://hooks.example.com/',
  description: '',
  types: ['*'],
  tenant: null,
  versions: {},
  format: 'standard',
  rateLimit: null,
  ordered: false,
  metadata: {},
  enabled: true,
  disabledReason: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

/** Each call is answered by the test: resolve(n) answers the n-th call. */
class ControlledSource implements EnabledEndpointsSource {
  readonly calls: Array<{ resolve: (e: Endpoint[]) => void; reject: (e: Error) => void }> = [];
  enabledEndpoints(): Promise<Endpoint[]> {
    return new Promise((resolve, reject) => this.calls.push({ resolve, reject }));
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('PostgresEndpointDirectory', () => {
  let clock: number;
  let source: ControlledSource;
  let directory: PostgresEndpointDirectory;

  beforeEach(() => {
    clock = 0;
    source = new ControlledSource();
    directory = new PostgresEndpointDirectory(source, {
      refreshMs: 2_000,
      maxStaleMs: 10_000,
      clock: () => clock,
    });
  });

  it('loads on first use and then serves the snapshot without asking PostgreSQL', async () => {
    const first = directory.enabledEndpoints();
    source.calls[0]!.resolve([endpoint('ep_a')]);
    expect((await first).map((e) => e.id)).toEqual(['ep_a']);
    clock = 9_000;
    expect((await directory.enabledEndpoints()).map((e) => e.id)).toEqual(['ep_a']);
    expect(source.calls).toHaveLength(1);
  });

  it('queues exactly one more reload behind a running one (it may have read before the change)', async () => {
    const running = directory.refresh();
    const queuedA = directory.refresh();
    const queuedB = directory.refresh();
    expect(source.calls).toHaveLength(1);
    source.calls[0]!.resolve([endpoint('ep_old')]);
    await running;
    await tick();
    expect(source.calls).toHaveLength(2);
    source.calls[1]!.resolve([endpoint('ep_new')]);
    expect((await queuedA).map((e) => e.id)).toEqual(['ep_new']);
    expect(await queuedB).toBe(await queuedA);
    expect((await directory.enabledEndpoints()).map((e) => e.id)).toEqual(['ep_new']);
  });

  it('never serves a snapshot older than maxStaleMs: it reloads, and a failed reload is an error', async () => {
    const first = directory.refresh();
    source.calls[0]!.resolve([endpoint('ep_a')]);
    await first;
    clock = 10_001;
    expect(() => directory.assertFresh()).toThrow(/last loaded 10001 ms ago/);
    const stale = directory.enabledEndpoints();
    source.calls[1]!.reject(new Error('PostgreSQL is unavailable'));
    await expect(stale).rejects.toThrow(/unavailable/);
    expect(() => directory.assertFresh()).toThrow(/PostgreSQL is unavailable/);
    const retried = directory.enabledEndpoints();
    source.calls[2]!.resolve([]);
    expect(await retried).toEqual([]);
    expect(() => directory.assertFresh()).not.toThrow();
  });

  it('is not fresh before its first load', () => {
    expect(() => directory.assertFresh()).toThrow(/not loaded yet/);
  });
});
