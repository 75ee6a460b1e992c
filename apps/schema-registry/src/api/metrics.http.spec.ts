import { USER_NO_DEFAULT, USER_V1 } from '../spec-support/registry-fixture';
import { startRegistryApp, type RegistryTestApp } from '../spec-support/registry-test-app';

/** The value of the series `name` with exactly these labels (whatever their order) in a scrape. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = { service: 'schema-registry', ...labels };
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)\{(.*)\} (\S+)$/.exec(line);
    if (match?.[1] !== name) continue;
    const found = [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => `${m[1]}=${m[2]}`);
    const expected = Object.entries(wanted).map(([key, value]) => `${key}=${value}`);
    if (found.sort().join() === expected.sort().join()) {
      return Number(match[3]);
    }
  }
  return undefined;
}

describe('registry metrics on GET /metrics', () => {
  let registry: RegistryTestApp;

  afterEach(async () => {
    await registry.close();
  });

  const scrape = async () => (await registry.request('GET', '/metrics')).text;

  it('reports leadership, the applied _schemas offset, registrations and lookups', async () => {
    registry = await startRegistryApp({ env: { REGISTRY_TOPIC: '_schemas-metrics-spec' } });
    const before = await scrape();
    const topic = { topic: '_schemas-metrics-spec' };
    expect(sample(before, 'herald_registry_leader', {})).toBe(1);
    expect(sample(before, 'herald_registry_applied_offset', topic)).toBe(-1);

    await registry.request('POST', '/subjects/users-value/versions', { body: USER_V1 });
    await registry.request('POST', '/subjects/users-value/versions', { body: USER_V1 });
    await registry.request('POST', '/subjects/users-value/versions', { body: USER_NO_DEFAULT });
    await registry.request('GET', '/schemas/ids/1');
    await registry.request('GET', '/schemas/ids/99');
    await registry.request('GET', '/subjects/users-value/versions/latest');

    const after = await scrape();
    const registrations = (outcome: string) =>
      sample(after, 'herald_registry_registrations_total', { outcome });
    expect([registrations('registered'), registrations('existing'), registrations('incompatible')]).toEqual([
      1, 1, 1,
    ]);
    const lookups = (kind: string, outcome: string) =>
      sample(after, 'herald_registry_lookups_total', { kind, outcome });
    expect([lookups('id', 'found'), lookups('id', 'not_found'), lookups('version', 'found')]).toEqual([
      1, 1, 1,
    ]);
    // One record written (the first registration): offset 0 of the log is applied.
    expect(sample(after, 'herald_registry_applied_offset', topic)).toBe(0);
  });

  it('reports 0 for leadership on an instance that follows another', async () => {
    registry = await startRegistryApp({ leadership: { leaderUrl: () => 'http://leader.internal:8081' } });
    expect(sample(await scrape(), 'herald_registry_leader', {})).toBe(0);
  });
});
