import { canonicalAvroSchema } from './avro-canonical-form';

describe('canonicalAvroSchema', () => {
  it('orders attributes, drops layout and collapses bare primitive objects', () => {
    const schema = JSON.parse(`{
      "fields": [{ "default": 0, "type": {"type": "int"}, "name": "a" }],
      "name": "R", "type": "record", "x-owner": "team"
    }`) as unknown;
    expect(canonicalAvroSchema(schema)).toBe(
      '{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":0}],"x-owner":"team"}',
    );
  });

  it('keeps data values as sent: a default that looks like a schema is not rewritten', () => {
    const schema = {
      type: 'record',
      name: 'R',
      fields: [{ name: 'm', type: { type: 'map', values: 'string' }, default: { type: 'int' } }],
    };
    expect(canonicalAvroSchema(schema)).toBe(
      '{"type":"record","name":"R","fields":[{"name":"m","type":{"type":"map","values":"string"},"default":{"type":"int"}}]}',
    );
  });

  it('keeps primitives that carry properties (logical types) as objects', () => {
    expect(canonicalAvroSchema({ logicalType: 'date', type: 'int' })).toBe(
      '{"type":"int","logicalType":"date"}',
    );
    expect(canonicalAvroSchema(['null', { type: 'string' }])).toBe('["null","string"]');
  });
});
