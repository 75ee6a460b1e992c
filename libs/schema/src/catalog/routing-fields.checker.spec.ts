import { Type, types } from 'avsc';

import { routingFieldProblems } from './routing-fields.checker';

const routing = { key: 'payment_id', tenant: 'merchant_id' };

function recordType(fields: Array<{ name: string; type: unknown }>): types.RecordType {
  const schema = { type: 'record', name: 'Probe', fields };
  return Type.forSchema(schema as Parameters<typeof Type.forSchema>[0]) as types.RecordType;
}

describe('routingFieldProblems', () => {
  it('accepts plain strings and strings with a logical type', () => {
    const type = recordType([
      { name: 'payment_id', type: { type: 'string', logicalType: 'uuid' } },
      { name: 'merchant_id', type: 'string' },
    ]);
    expect(routingFieldProblems(type, routing)).toEqual([]);
  });

  it('reports a missing key and a tenant of another type together', () => {
    const type = recordType([
      { name: 'amount_minor', type: 'long' },
      { name: 'merchant_id', type: ['null', 'string'] },
    ]);
    expect(routingFieldProblems(type, routing)).toEqual([
      {
        pointer: '/fields',
        message: 'no top-level field "payment_id", which is the partition key (event.yaml key)',
      },
      {
        pointer: '/fields/1/type',
        message:
          'field "merchant_id" is the tenant (event.yaml tenant) and must be a string, found ["null","string"]',
      },
    ]);
  });

  it('does not look for the fields inside nested records', () => {
    const nested = { type: 'record', name: 'Ids', fields: [{ name: 'payment_id', type: 'string' }] };
    const type = recordType([
      { name: 'ids', type: nested },
      { name: 'merchant_id', type: 'int' },
    ]);
    expect(routingFieldProblems(type, routing).map((p) => p.pointer)).toEqual(['/fields', '/fields/1/type']);
  });
});
