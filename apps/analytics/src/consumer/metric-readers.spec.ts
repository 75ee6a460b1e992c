import { createAvroType, type AvroSchemaJson } from '@app/schema';
import { readerFor } from './metric-readers';

const METHOD = { type: 'enum', name: 'Method', symbols: ['CARD', 'SEPA'], default: 'CARD' };

const WRITER = {
  type: 'record',
  name: 'Payment',
  namespace: 'test',
  fields: [
    { name: 'payment_id', type: 'string' },
    { name: 'amount_minor', type: 'long' },
    { name: 'method', type: METHOD },
    {
      name: 'card',
      type: ['null', { type: 'record', name: 'Card', fields: [{ name: 'brand', type: 'string' }] }],
    },
    { name: 'fallback_method', type: 'Method', default: 'CARD' },
    { name: 'fee_minor', type: ['null', 'long'], default: null },
  ],
} as unknown as AvroSchemaJson;

const VALUE = {
  payment_id: 'p-1',
  amount_minor: 12_550n,
  method: 'SEPA',
  card: { 'test.Card': { brand: 'VISA' } },
  fallback_method: 'SEPA',
  fee_minor: { long: 30n },
};

function readThrough(fields: string[]): Record<string, unknown> {
  const writer = createAvroType(WRITER);
  const reader = readerFor(WRITER, fields);
  return reader.fromBuffer(writer.toBuffer(VALUE), reader.createResolver(writer)) as Record<string, unknown>;
}

describe('a metric reader reduced to the fields its metrics read', () => {
  it('reads those fields as the whole version does, and builds no others', () => {
    expect({ ...readThrough(['amount_minor', 'fee_minor']) }).toEqual({
      amount_minor: 12_550n,
      fee_minor: { long: 30n },
    });
  });

  it('reads through the whole version when a kept field uses a named type defined in a dropped one', () => {
    const read = readThrough(['fallback_method']);
    expect(read['fallback_method']).toBe('SEPA');
    expect(read['payment_id']).toBe('p-1');
  });

  it('reads nothing for a count without groups', () => {
    expect({ ...readThrough([]) }).toEqual({});
  });
});
