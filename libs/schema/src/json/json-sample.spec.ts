import { join } from 'node:path';
import { loadCatalog } from '../catalog';
import { JsonAvroMapping } from './json-mapping';
import { jsonSample } from './json-sample';

const everything = {
  type: 'record',
  name: 'Everything',
  namespace: 'herald.test',
  fields: [
    { name: 'b', type: 'boolean' },
    { name: 'i', type: 'int' },
    { name: 'l', type: 'long' },
    { name: 'd', type: 'double' },
    { name: 's', type: 'string' },
    { name: 'raw', type: 'bytes' },
    { name: 'fx', type: { type: 'fixed', name: 'Four', size: 4 } },
    { name: 'e', type: { type: 'enum', name: 'Colour', symbols: ['RED', 'GREEN'] } },
    { name: 'again', type: 'Colour' },
    { name: 'nullable', type: ['null', 'string'] },
    { name: 'amb', type: ['int', 'double', 'Colour'] },
    { name: 'm', type: { type: 'map', values: ['null', 'double'] } },
    { name: 'list', type: { type: 'array', items: { type: 'string', logicalType: 'uuid' } } },
    { name: 'ts', type: { type: 'long', logicalType: 'timestamp-micros' } },
    { name: 'day', type: { type: 'int', logicalType: 'date' } },
    { name: 'dec', type: { type: 'bytes', logicalType: 'decimal', precision: 4, scale: 4 } },
    { name: 'defaulted', type: 'string', default: 'kept' },
    {
      name: 'tree',
      type: {
        type: 'record',
        name: 'Node',
        fields: [
          { name: 'label', type: 'string' },
          { name: 'children', type: { type: 'array', items: 'Node' } },
        ],
      },
    },
  ],
};

describe('jsonSample', () => {
  const now = new Date('2026-03-01T12:00:00.000Z');

  it('gives every field without a default a value the mapping reads back', () => {
    const sample = jsonSample(everything, { now }) as Record<string, unknown>;
    const read = JsonAvroMapping.compile(everything).fromJson(sample);
    expect(read).toMatchObject({ ok: true });
    expect(sample).not.toHaveProperty('defaulted');
    expect(sample).toMatchObject({
      b: true,
      i: 1,
      s: 'sample-s',
      e: 'RED',
      nullable: null,
      amb: { int: 1 },
      ts: '2026-03-01T12:00:00.000Z',
      day: '2026-03-01',
      dec: '0',
      fx: Buffer.alloc(4).toString('base64'),
    });
    expect((sample['list'] as string[])[0]).toMatch(/^[0-9a-f-]{36}$/);
    // The default is written when the value is encoded.
    const mapping = JsonAvroMapping.compile(everything);
    const bytes = mapping.type.toBuffer((read as { value: unknown }).value);
    const decoded = mapping.toJson(mapping.type.fromBuffer(bytes)) as Record<string, unknown>;
    expect(decoded['defaulted']).toBe('kept');
  });

  it('ends on a recursive schema', () => {
    const sample = jsonSample(everything, { now }) as { tree: { children: unknown[] } };
    let depth = 0;
    let node: { children: unknown[] } | undefined = sample.tree;
    while (node !== undefined) {
      depth += 1;
      node = node.children[0] as { children: unknown[] } | undefined;
    }
    expect(depth).toBeGreaterThan(1);
    expect(depth).toBeLessThan(10);
  });

  it('fits every version of every type in the repository catalog', async () => {
    const catalog = await loadCatalog(join(__dirname, '..', '..', '..', '..', 'schemas'));
    const versions = catalog.eventTypes.flatMap((t) => t.versions);
    expect(versions.length).toBeGreaterThan(0);
    for (const { schema, file } of versions) {
      const result = JsonAvroMapping.compile(schema).fromJson(jsonSample(schema, { now }));
      expect({ file, ok: result.ok }).toEqual({ file, ok: true });
    }
  });
});
