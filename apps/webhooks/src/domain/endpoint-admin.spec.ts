import { loadCatalog, type Catalog } from '@app/schema';
import { join } from 'node:path';
import type { Endpoint } from './endpoint';
import { DISABLED_BY_OPERATOR, EndpointAdmin, type SecretIssuer } from './endpoint-admin';
import { EndpointNotFoundError, InvalidEndpointRequestError } from './endpoint-errors';
import { decodeEndpointCursor } from './endpoint-ids';
import { EndpointRules } from './endpoint-rules';
import type {
  EndpointChange,
  EndpointPage,
  EndpointStore,
  NewEndpoint,
  PinInUse,
  SealedSecret,
  StoredSecret,
} from './endpoint-store.port';
import type { DestinationPolicy } from './ports';

/** The store port in memory, recording what was written. */
class InMemoryEndpointStore implements EndpointStore {
  readonly endpoints = new Map<string, Endpoint & { resetFailures?: boolean }>();
  readonly rotations: Array<{ id: string; secret: SealedSecret; now: Date; oldExpiresAt: Date }> = [];
  writes = 0;

  async create(e: NewEndpoint): Promise<Endpoint> {
    this.writes++;
    const stamp = '2026-01-01T00:00:00.000Z';
    const endpoint: Endpoint = {
      ...e,
      enabled: true,
      disabledReason: null,
      createdAt: stamp,
      updatedAt: stamp,
    };
    this.endpoints.set(e.id, endpoint);
    return endpoint;
  }
  async find(id: string) {
    return this.endpoints.get(id);
  }
  async page(after: string | undefined, limit: number): Promise<EndpointPage> {
    const ids = [...this.endpoints.keys()].sort().filter((id) => after === undefined || id > after);
    return { items: ids.slice(0, limit).map((id) => this.endpoints.get(id)!), hasMore: ids.length > limit };
  }
  async update(id: string, decide: (current: Endpoint) => EndpointChange | undefined) {
    const current = this.endpoints.get(id);
    if (current === undefined) return undefined;
    const next = decide(current);
    if (next === undefined) return current;
    this.writes++;
    const updated = { ...current, ...next };
    this.endpoints.set(id, updated);
    return updated;
  }
  async delete(id: string) {
    return this.endpoints.delete(id);
  }
  async rotateSecret(id: string, secret: SealedSecret, at: { now: Date; oldExpiresAt: Date }) {
    if (!this.endpoints.has(id)) return false;
    this.rotations.push({ id, secret, ...at });
    return true;
  }
  async enabledEndpoints() {
    return [...this.endpoints.values()].filter((e) => e.enabled);
  }
  async pinsInUse(): Promise<PinInUse[]> {
    const counts = new Map<string, number>();
    for (const e of this.endpoints.values()) {
      for (const [type, version] of Object.entries(e.versions)) {
        const key = `${type} ${version}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
    return [...counts].map(([key, endpoints]) => {
      const [type = '', version = ''] = key.split(' ');
      return { type, version: Number(version), endpoints };
    });
  }
  async liveSecrets(): Promise<StoredSecret[]> {
    return [];
  }
}

const issuer: SecretIssuer = {
  issue: (id) => ({ secret: `whsec_for_${id}`, sealed: { keyId: 'k', ciphertext: Buffer.from(id) } }),
};
const policy: DestinationPolicy = {
  refusal: async (url) => (new URL(url).hostname === '127.0.0.1' ? 'loopback is not public' : undefined),
};
const NOW = new Date('2026-03-01T12:00:00Z');
const body = (overrides: Record<string, unknown> = {}) => ({
  url: 'https://hooks.example.com/x',
  types: ['payments.*'],
  ...overrides,
});

describe('EndpointAdmin', () => {
  let catalog: Catalog;
  let store: InMemoryEndpointStore;
  let admin: EndpointAdmin;

  beforeAll(async () => {
    catalog = await loadCatalog(join(__dirname, '..', '..', '..', '..', 'schemas'));
  });

  beforeEach(() => {
    store = new InMemoryEndpointStore();
    admin = new EndpointAdmin(
      store,
      new EndpointRules(catalog, policy),
      issuer,
      { now: () => NOW },
      3_600_000,
    );
  });

  const refusal = async (run: Promise<unknown>) => {
    const error = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidEndpointRequestError);
    return (error as InvalidEndpointRequestError).issues.map((i) => i.path);
  };

  it('creates with defaults, the normalised URL and the secret shown once', async () => {
    const created = await admin.create(body({ url: 'HTTPS://HOOKS.example.com/x' }), {});
    expect(created).toMatchObject({
      url: 'https://hooks.example.com/x',
      types: ['payments.*'],
      tenant: null,
      versions: {},
      format: 'standard',
      rateLimit: null,
      ordered: false,
      description: '',
      metadata: {},
      enabled: true,
      secret: `whsec_for_${created.id}`,
    });
    expect(store.writes).toBe(1);
  });

  it('reports every problem of a create at once and writes nothing', async () => {
    const paths = await refusal(
      admin.create(
        body({ url: 'http://127.0.0.1/', types: ['nope.*'], versions: { 'payments.payment.received': 9 } }),
        {},
      ),
    );
    expect(paths).toEqual(['/url', '/types/0', '/versions/payments.payment.received']);
    expect(store.writes).toBe(0);
  });

  it('updates only the fields given; null clears tenant and rateLimit', async () => {
    const { id } = await admin.create(
      body({ tenant: 't', rateLimit: 9, description: 'd', metadata: { a: 'b' } }),
      {},
    );
    const updated = await admin.update(id, { tenant: null, rateLimit: null, ordered: true }, {});
    expect(updated).toMatchObject({
      tenant: null,
      rateLimit: null,
      ordered: true,
      description: 'd',
      metadata: { a: 'b' },
    });
  });

  it('changes the body format alone, without re-judging the catalog', async () => {
    const { id } = await admin.create(body({ format: 'cloudevents' }), {});
    expect(store.endpoints.get(id)?.format).toBe('cloudevents');
    store.endpoints.set(id, { ...store.endpoints.get(id)!, types: ['retired.thing.happened'] });
    expect(await admin.update(id, { format: 'standard' }, {})).toMatchObject({
      format: 'standard',
      types: ['retired.thing.happened'],
    });
    expect(await refusal(admin.update(id, { format: 'xml' }, {}))).toEqual(['/format']);
  });

  it('disables with a reason, keeps an existing reason, and re-enabling resets the failure clock', async () => {
    const { id } = await admin.create(body(), {});
    expect(await admin.update(id, { enabled: false }, {})).toMatchObject({
      enabled: false,
      disabledReason: DISABLED_BY_OPERATOR,
    });
    store.endpoints.set(id, { ...store.endpoints.get(id)!, disabledReason: '410 Gone' });
    expect((await admin.update(id, { enabled: false }, {})).disabledReason).toBe('410 Gone');
    const enabled = await admin.update(id, { enabled: true }, {});
    expect(enabled).toMatchObject({ enabled: true, disabledReason: null, resetFailures: true });
  });

  it('does not write an empty update, and does not re-judge patterns it does not touch', async () => {
    const { id } = await admin.create(body(), {});
    // The catalog lost this type since (a stored endpoint is not refused for it).
    store.endpoints.set(id, { ...store.endpoints.get(id)!, types: ['retired.thing.happened'] });
    const writes = store.writes;
    await admin.update(id, {}, {});
    expect(store.writes).toBe(writes);
    expect((await admin.update(id, { description: 'still fine' }, {})).description).toBe('still fine');
    expect(await refusal(admin.update(id, { types: ['retired.thing.happened'] }, {}))).toEqual(['/types/0']);
  });

  it('refuses an update that orphans a pin', async () => {
    const { id } = await admin.create(body({ types: ['*'], versions: { 'orders.order.shipped': 1 } }), {});
    expect(await refusal(admin.update(id, { types: ['payments.*'] }, {}))).toEqual([
      '/versions/orders.order.shipped',
    ]);
  });

  it('rotates with the default or the requested overlap, measured from the clock', async () => {
    const { id } = await admin.create(body(), {});
    const rotated = await admin.rotateSecret(id, undefined, {});
    expect(rotated.previousSecretExpiresAt).toBe('2026-03-01T13:00:00.000Z');
    await admin.rotateSecret(id, { overlapMs: 0 }, {});
    expect(store.rotations.map((r) => r.oldExpiresAt.toISOString())).toEqual([
      '2026-03-01T13:00:00.000Z',
      '2026-03-01T12:00:00.000Z',
    ]);
  });

  it('answers 404-worthy errors for well-formed unknown ids, and refuses malformed ones before any lookup', async () => {
    const unknown = 'ep_0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
    await expect(admin.get(unknown, {})).rejects.toBeInstanceOf(EndpointNotFoundError);
    await expect(admin.delete(unknown, {})).rejects.toBeInstanceOf(EndpointNotFoundError);
    await expect(admin.rotateSecret(unknown, undefined, {})).rejects.toBeInstanceOf(EndpointNotFoundError);
    await expect(admin.update(unknown, { description: 'x' }, {})).rejects.toBeInstanceOf(
      EndpointNotFoundError,
    );
    expect(await refusal(admin.get('ep_1', {}))).toEqual(['/id']);
  });

  it('lists the pins in use with how many endpoints hold each, and takes no parameters', async () => {
    await admin.create(body({ types: ['*'], versions: { 'orders.order.shipped': 1 } }), {});
    await admin.create(body({ types: ['*'], versions: { 'orders.order.shipped': 1 } }), {});
    expect(await admin.pins({})).toEqual({
      pins: [{ type: 'orders.order.shipped', version: 1, endpoints: 2 }],
    });
    expect(await refusal(admin.pins({ type: 'orders.order.shipped' }))).toEqual(['/type']);
  });

  it('pages with a cursor only while there is more', async () => {
    for (let i = 0; i < 3; i++) await admin.create(body(), {});
    const first = await admin.list({ limit: '2' });
    expect(first.items).toHaveLength(2);
    expect(first.hasMore).toBe(true);
    expect(decodeEndpointCursor(first.nextCursor!)).toBe(first.items[1]!.id);
    const second = await admin.list({ limit: '2', cursor: first.nextCursor });
    expect(second).toMatchObject({ hasMore: false, nextCursor: null });
    expect(second.items).toHaveLength(1);
  });
});
