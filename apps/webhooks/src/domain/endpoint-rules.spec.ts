import type { AvroSchemaJson, Catalog, CompatibilityLevel, EventTypeDefinition } from '@app/schema';
import { EndpointRules } from './endpoint-rules';
import type { DestinationPolicy } from './ports';

const record = (fields: object[]): AvroSchemaJson => ({
  type: 'record',
  name: 'Thing',
  fields: [{ name: 'id', type: 'string' }, ...fields],
});

function eventType(
  type: string,
  compatibility: CompatibilityLevel,
  schemas: AvroSchemaJson[],
): EventTypeDefinition {
  const versions = schemas.map((schema, i) => ({
    version: i + 1,
    file: `${type}/v${i + 1}.avsc`,
    schema,
    canonical: '',
    fingerprint: '',
  }));
  return {
    type,
    domain: type.split('.')[0]!,
    topic: type,
    subject: `${type}-value`,
    metadata: {
      description: '',
      owner: 'team',
      compatibility,
      key: 'id',
      tenant: 'id',
      partitions: 1,
      retentionMs: -1,
    },
    versions,
    latest: versions.at(-1)!,
  };
}

const colour = { name: 'colour', type: 'string' };
const size = { name: 'size', type: ['null', 'string'], default: null };
const catalog: Catalog = {
  root: '/catalog',
  eventTypes: [
    eventType('orders.order.shipped', 'FULL_TRANSITIVE', [record([]), record([size])]),
    eventType('orders.order.placed', 'FULL_TRANSITIVE', [record([])]),
    // v1 has colour without a default; v2 dropped it (BACKWARD allows that), v3 adds size.
    eventType('legacy.item.changed', 'BACKWARD', [record([colour]), record([]), record([size])]),
  ],
};

class RecordingPolicy implements DestinationPolicy {
  readonly asked: string[] = [];
  constructor(private readonly answer: (url: string) => string | undefined = () => undefined) {}
  async refusal(url: string): Promise<string | undefined> {
    this.asked.push(url);
    return this.answer(url);
  }
}

describe('EndpointRules', () => {
  const rules = new EndpointRules(catalog, new RecordingPolicy());
  const issues = (types: string[], versions: Record<string, number> = {}) =>
    rules.catalogIssues({ types, versions }).map((i) => `${i.path} ${i.message}`);

  it('takes *, domains with types in the catalog, and exact catalog types', () => {
    expect(issues(['*', 'orders.*', 'legacy.item.changed'])).toEqual([]);
  });

  it.each([
    ['billing.*', /no event type of domain "billing"/],
    ['orders.order.*', /no other wildcards/],
    ['ord*', /no other wildcards/],
    ['orders.order.lost', /"orders.order.lost" is not an event type in the catalog/],
    ['orders', /is not an event type/],
  ])('refuses the pattern %s', (pattern, message) => {
    expect(issues(['*', pattern])).toEqual([
      expect.stringMatching(new RegExp(`^/types/1 .*${message.source}`)) as unknown,
    ]);
  });

  it('pins versions that exist and can read every later version', () => {
    expect(issues(['*'], { 'orders.order.shipped': 1, 'legacy.item.changed': 2 })).toEqual([]);
    expect(issues(['orders.*'], { 'orders.order.shipped': 2 })).toEqual([]);
  });

  it('refuses a pin that cannot read a later version, naming each one', () => {
    expect(issues(['legacy.*'], { 'legacy.item.changed': 1 })).toEqual([
      expect.stringMatching(
        /^\/versions\/legacy\.item\.changed version 1 cannot read version 2 of legacy\.item\.changed \(its compatibility is BACKWARD\): READER_FIELD_MISSING_DEFAULT_VALUE at \/fields\/1.*colour/,
      ) as unknown,
      expect.stringMatching(/^\/versions\/legacy\.item\.changed version 1 cannot read version 3 /) as unknown,
    ]);
  });

  it('refuses pins of unknown types, types the endpoint does not take, and versions that do not exist', () => {
    expect(issues(['orders.*'], { 'orders.order.lost': 1 })).toEqual([
      '/versions/orders.order.lost is not an event type in the catalog (a pin names one exact type)',
    ]);
    expect(issues(['orders.*'], { 'legacy.item.changed': 2 })).toEqual([
      "/versions/legacy.item.changed the endpoint's types do not take this type, so there is nothing to pin",
    ]);
    expect(issues(['*'], { 'orders.order.placed': 2 })).toEqual([
      '/versions/orders.order.placed version 2 does not exist (orders.order.placed has versions 1 to 1)',
    ]);
  });

  it('normalises the URL, refuses schemes, credentials and fragments itself, and asks the policy', async () => {
    const policy = new RecordingPolicy((url) => (url.includes('127.0.0.1') ? 'loopback' : undefined));
    const withPolicy = new EndpointRules(catalog, policy);
    expect(await withPolicy.destination('HTTPS://Example.COM/a/./b')).toEqual({
      url: 'https://example.com/a/b',
      issues: [],
    });
    expect((await withPolicy.destination('http://0x7f.1/')).issues).toEqual([
      { path: '/url', message: 'loopback' },
    ]);
    expect(policy.asked).toEqual(['https://example.com/a/b', 'http://127.0.0.1/']);
    for (const [url, message] of [
      ['ftp://example.com/', /http or https, not ftp/],
      ['https://u:p@example.com/', /credentials/],
      ['https://example.com/#x', /fragment/],
      ['example.com', /absolute/],
    ] as const) {
      expect((await withPolicy.destination(url)).issues).toEqual([
        { path: '/url', message: expect.stringMatching(message) as unknown },
      ]);
    }
    expect(policy.asked).toHaveLength(2);
  });

  it('reports a policy that cannot answer as unavailable, not as bad input', async () => {
    const broken = new EndpointRules(catalog, {
      refusal: () => Promise.reject(new Error('resolver down')),
    });
    await expect(broken.destination('https://example.com/')).rejects.toThrow(/cannot check the destination/);
  });
});
