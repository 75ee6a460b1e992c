import type { Catalog } from '@app/schema';
import type { RegisteredSchema } from '@app/registry-client';
import { EventTypeResolver, type SchemaVersions } from './event-type.resolver';
import { GatewayError } from './gateway-errors';

const schema = (field: string) => ({
  type: 'record' as const,
  name: 'Thing',
  fields: [{ name: field, type: 'string' as const }],
});

class FakeRegistry implements SchemaVersions {
  readonly subjects = new Map<string, RegisteredSchema[]>();
  calls = 0;
  failing = false;

  add(subject: string, field: string): void {
    const versions = this.subjects.get(subject) ?? [];
    versions.push({
      subject,
      id: 100 + versions.length,
      version: versions.length + 1,
      schema: schema(field),
    });
    this.subjects.set(subject, versions);
  }

  async version(subject: string, version: number | 'latest'): Promise<RegisteredSchema | undefined> {
    this.calls++;
    if (this.failing) throw new Error('connection refused');
    const versions = this.subjects.get(subject) ?? [];
    return version === 'latest' ? versions.at(-1) : versions[version - 1];
  }
}

const catalog: Catalog = { root: '/x', eventTypes: [] };

describe('EventTypeResolver', () => {
  let now: number;
  let registry: FakeRegistry;
  let resolver: EventTypeResolver;

  beforeEach(() => {
    now = 1_000;
    registry = new FakeRegistry();
    registry.add('shop.order.placed-value', 'a');
    resolver = new EventTypeResolver(catalog, registry, 5_000, () => now);
  });

  it('resolves a pinned version once and serves it from the cache afterwards', async () => {
    const first = await resolver.resolve('shop.order.placed', 1);
    expect(first).toMatchObject({
      type: 'shop.order.placed',
      topic: 'shop.order.placed',
      version: 1,
      schemaId: 100,
    });
    await resolver.resolve('shop.order.placed', 1);
    expect(registry.calls).toBe(1);
  });

  it('finds a version pushed after a miss (misses are not cached)', async () => {
    await expect(resolver.resolve('shop.order.placed', 2)).rejects.toMatchObject({ kind: 'unprocessable' });
    registry.add('shop.order.placed-value', 'b');
    await expect(resolver.resolve('shop.order.placed', 2)).resolves.toMatchObject({
      version: 2,
      schemaId: 101,
    });
  });

  it('re-reads latest after the TTL while serving the cached answer, and keeps it when the registry fails', async () => {
    expect((await resolver.resolve('shop.order.placed', undefined)).version).toBe(1);
    registry.add('shop.order.placed-value', 'b');
    expect((await resolver.resolve('shop.order.placed', undefined)).version).toBe(1);
    now += 6_000;
    expect((await resolver.resolve('shop.order.placed', undefined)).version).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect((await resolver.resolve('shop.order.placed', undefined)).version).toBe(2);

    registry.failing = true;
    now += 6_000;
    expect((await resolver.resolve('shop.order.placed', undefined)).version).toBe(2);
  });

  it('answers 422 for a bad name or an unknown type, and 503 when the registry is unreachable', async () => {
    const badName = await resolver.resolve('Orders', undefined).catch((e: unknown) => e);
    expect(badName).toBeInstanceOf(GatewayError);
    expect(badName).toMatchObject({ kind: 'unprocessable', violations: [{ path: '/type' }] });
    const huge = (await resolver.resolve('a'.repeat(100_000), undefined).catch((e: unknown) => e)) as Error;
    expect(huge.message.length).toBeLessThan(200);
    const unknown = (await resolver
      .resolve('shop.order.cancelled', undefined)
      .catch((e: unknown) => e)) as GatewayError;
    expect(unknown.kind).toBe('unprocessable');
    expect(unknown.message).toContain('unknown event type "shop.order.cancelled"');
    registry.failing = true;
    await expect(resolver.resolve('shop.order.cancelled', 3)).rejects.toMatchObject({
      kind: 'unavailable',
      retryAfterSeconds: 2,
    });
  });

  it('answers 422 for a version the registry lacks, saying to run herald schemas push', async () => {
    const v1 = { version: 1, schema: schema('a') };
    const local = {
      root: '/x',
      eventTypes: [{ type: 'shop.order.placed', domain: 'shop', versions: [v1, { ...v1, version: 2 }] }],
    } as unknown as Catalog;
    resolver = new EventTypeResolver(local, registry, 5_000, () => now);
    const notPushed = (await resolver
      .resolve('shop.order.placed', 2)
      .catch((e: unknown) => e)) as GatewayError;
    expect(notPushed).toMatchObject({
      kind: 'unprocessable',
      message:
        'event type "shop.order.placed" has no version 2 in the schema registry. Version 2 is in the schemas/ ' +
        'catalog but not in the registry: run `herald schemas push`.',
      violations: [{ path: '/version', message: 'no version 2 of shop.order.placed' }],
    });
    const nowhere = (await resolver.resolve('shop.order.placed', 7).catch((e: unknown) => e)) as GatewayError;
    expect(nowhere.message).toBe(
      'event type "shop.order.placed" has no version 7 in the schema registry. To publish it, add ' +
        'schemas/shop/shop.order.placed/v7.avsc and run `herald schemas push`.',
    );
  });
});
