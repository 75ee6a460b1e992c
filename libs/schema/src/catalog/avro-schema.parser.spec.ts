import { createHash } from 'node:crypto';

import { parseRecordSchema } from './avro-schema.parser';

const record = (fields: unknown[], extra: object = {}) => ({
  type: 'record',
  name: 'Probe',
  namespace: 'herald.tests',
  fields,
  ...extra,
});

function problemsOf(schema: unknown): Array<[string, string]> {
  const result = parseRecordSchema(schema);
  return result.ok ? [] : result.problems.map((p) => [p.pointer, p.message]);
}

describe('parseRecordSchema', () => {
  it('returns the parsed record, its canonical form and the SHA-256 of that form', () => {
    const schema = record(
      [
        { name: 'id', type: { type: 'string', logicalType: 'uuid' }, doc: 'Identifier.' },
        { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['OTHER', 'A'], default: 'OTHER' } },
        { name: 'again', type: 'Kind', default: 'A' },
      ],
      { doc: 'A probe.' },
    );
    const result = parseRecordSchema(schema);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.type.fields.map((f) => f.name)).toEqual(['id', 'kind', 'again']);
    expect(result.canonical).toBe(
      '{"name":"herald.tests.Probe","type":"record","fields":[{"name":"id","type":"string"},' +
        '{"name":"kind","type":{"name":"herald.tests.Kind","type":"enum","symbols":["OTHER","A"]}},' +
        '{"name":"again","type":"herald.tests.Kind"}]}',
    );
    expect(result.fingerprint).toBe(createHash('sha256').update(result.canonical).digest('hex'));
  });

  it('reports every bad field default at its own pointer, nested records and unions included', () => {
    const inner = { type: 'record', name: 'Inner', fields: [{ name: 'count', type: 'long', default: 1.5 }] };
    const schema = record([
      { name: 'a', type: 'int', default: 'x' },
      { name: 'b', type: ['null', 'string'], default: 'y' },
      { name: 'c', type: ['null', inner], default: null },
      { name: 'd', type: { type: 'array', items: 'string' }, default: [1] },
    ]);
    expect(problemsOf(schema)).toEqual([
      ['/fields/0/default', 'invalid default: incompatible field default "x" (invalid "int": "x")'],
      [
        '/fields/1/default',
        expect.stringMatching(/^invalid default: .*union defaults must match the first branch/),
      ],
      [
        '/fields/2/type/1/fields/0/default',
        'invalid default: incompatible field default 1.5 (invalid "long": 1.5)',
      ],
      ['/fields/3/default', 'invalid default: incompatible field default [1] (invalid "string": 1)'],
    ]);
  });

  it.each([
    [
      'an unknown type name',
      [{ name: 'a', type: 'Money' }],
      '/fields/0/type',
      'undefined type name: herald.tests.Money',
    ],
    [
      'an unknown name in a union',
      [{ name: 'a', type: ['null', 'Money'] }],
      '/fields/0/type/1',
      'undefined type name: herald.tests.Money',
    ],
    [
      'an unknown type',
      [{ name: 'a', type: { type: 'money' } }],
      '/fields/0/type/type',
      'unknown type: "money"',
    ],
    [
      'an enum default that is no symbol',
      [{ name: 'a', type: { type: 'enum', name: 'E', symbols: ['A'], default: 'B' } }],
      '/fields/0/type/default',
      'invalid "herald.tests.E" default: "B"',
    ],
    [
      'a duplicated enum symbol',
      [{ name: 'a', type: { type: 'array', items: { type: 'enum', name: 'E', symbols: ['A', 'A'] } } }],
      '/fields/0/type/items/symbols',
      'duplicate "herald.tests.E" symbol: "A"',
    ],
    [
      'a record without a name',
      [{ name: 'a', type: { type: 'record', fields: [] } }],
      '/fields/0/type',
      'missing name property in schema: {"type":"record","fields":[]}',
    ],
    [
      'a duplicated field name',
      [
        { name: 'a', type: 'int' },
        { name: 'a', type: 'long' },
      ],
      '/fields',
      'duplicate field name: [{"name":"a","type":"int"},{"name":"a","type":"long"}]',
    ],
    [
      'a bad fixed size',
      [{ name: 'a', type: { type: 'fixed', name: 'F', size: -1 } }],
      '/fields/0/type/size',
      'invalid herald.tests.F size',
    ],
  ])('locates %s', (_case, fields, pointer, message) => {
    expect(problemsOf(record(fields))).toEqual([[pointer, `invalid Avro schema: ${message}`]]);
  });

  it('holds logical types to the Avro specification', () => {
    const schema = record([
      { name: 'a', type: 'long', logicalType: 'timestamp-millis' },
      { name: 'b', type: { type: 'string', logicalType: 'timestamp-millis' } },
      { name: 'c', type: { type: 'long', logicalType: 'timestamp-milis' } },
      { name: 'd', type: { type: 'bytes', logicalType: 'decimal', precision: 4, scale: 5 } },
      { name: 'e', type: { type: 'bytes', logicalType: 'decimal' } },
      { name: 'f', type: { type: 'fixed', name: 'Id', size: 8, logicalType: 'uuid' } },
      { name: 'g', type: { type: 'int', logicalType: 'date' } },
    ]);
    expect(problemsOf(schema)).toEqual([
      [
        '/fields/0/logicalType',
        expect.stringMatching(/^logicalType belongs on the field's type, not on the field/),
      ],
      ['/fields/1/type/logicalType', 'logicalType "timestamp-millis" applies to long, not "string"'],
      [
        '/fields/2/type/logicalType',
        expect.stringMatching(/^unknown logicalType "timestamp-milis" \(known: decimal, /),
      ],
      ['/fields/3/type/scale', 'decimal scale must be an integer from 0 to the precision'],
      ['/fields/4/type/precision', 'decimal precision must be a positive integer'],
      ['/fields/5/type/size', 'a uuid fixed must have size 16'],
    ]);
  });

  it('bounds the precision of a decimal on fixed by the fixed size, as the Avro specification does', () => {
    const decimalOn = (name: string, size: number, precision: number) => ({
      name,
      type: { type: 'fixed', name: name.toUpperCase(), size, logicalType: 'decimal', precision, scale: 0 },
    });
    const schema = record([
      decimalOn('a', 1, 2),
      decimalOn('b', 1, 3),
      decimalOn('c', 16, 38),
      decimalOn('d', 16, 39),
      decimalOn('e', 8, 18),
      decimalOn('f', 8, 19),
    ]);
    expect(problemsOf(schema)).toEqual([
      [
        '/fields/1/type/precision',
        'decimal precision 3 does not fit a fixed of 1 byte(s), which holds at most 2 digits',
      ],
      [
        '/fields/3/type/precision',
        'decimal precision 39 does not fit a fixed of 16 byte(s), which holds at most 38 digits',
      ],
      [
        '/fields/5/type/precision',
        'decimal precision 19 does not fit a fixed of 8 byte(s), which holds at most 18 digits',
      ],
    ]);
  });

  it('reports fields that are not objects with a name and a type, without crashing avsc', () => {
    expect(problemsOf(record([{ name: 'a' }, 'b', { type: 'int' }]))).toEqual([
      ['/fields/0', 'field "a" has no "type"'],
      ['/fields/1', 'a record field must be an object'],
      ['/fields/2', 'field has no "name"'],
    ]);
  });

  it.each([
    ['a primitive', 'string', '', 'string'],
    ['an enum', { type: 'enum', name: 'E', symbols: ['A'] }, '/type', 'enum'],
    ['a union', ['null', 'string'], '', 'a union'],
    ['an error', { type: 'error', name: 'Failed', fields: [] }, '/type', 'error'],
  ])('rejects %s at the top level', (_case, schema, pointer, found) => {
    expect(problemsOf(schema)).toEqual([[pointer, `the top-level type must be a record, found ${found}`]]);
  });
});
