import { catalogOf, describeAvroType } from './event-catalog';

describe("the dashboard's event catalog", () => {
  it.each([
    ['long', 'long'],
    [['null', 'long'], 'null | long'],
    [{ type: 'string', logicalType: 'uuid' }, 'string (uuid)'],
    [{ type: 'long', logicalType: 'timestamp-millis' }, 'long (timestamp-millis)'],
    [{ type: 'enum', name: 'payments.Method', symbols: ['CARD'] }, 'enum Method'],
    [{ type: 'array', items: 'string' }, 'array<string>'],
    [{ type: 'map', values: ['null', 'double'] }, 'map<null | double>'],
    [['null', { type: 'record', name: 'Card', fields: [] }], 'null | record Card'],
    ['payments.Money', 'Money'],
  ])('describes %j as %s', (schema, text) => {
    expect(describeAvroType(schema)).toBe(text);
  });

  it("keeps each version's top-level fields, newest version first, and drops what is not text", () => {
    const [type] = catalogOf([
      {
        type: 'payments.payment.received',
        description: 'Captured <b>payments</b>',
        owner: 'payments-team',
        keyField: 'payment_id',
        tenantField: 42,
        latestVersion: 2,
        versions: [
          {
            version: 1,
            schema: {
              type: 'record',
              name: 'P',
              fields: [{ name: 'amount', type: 'long', doc: 'minor units' }],
            },
          },
          {
            version: 2,
            schema: {
              type: 'record',
              name: 'P',
              fields: [
                { name: 'amount', type: 'long' },
                { name: 'fee', type: ['null', 'long'], default: null },
              ],
            },
          },
        ],
      },
    ]);
    expect(type).toEqual({
      type: 'payments.payment.received',
      description: 'Captured <b>payments</b>',
      owner: 'payments-team',
      keyField: 'payment_id',
      tenantField: null,
      latestVersion: 2,
      versions: [
        {
          version: 2,
          fields: [
            { name: 'amount', type: 'long', optional: false },
            { name: 'fee', type: 'null | long', optional: true },
          ],
        },
        { version: 1, fields: [{ name: 'amount', type: 'long', optional: false, doc: 'minor units' }] },
      ],
    });
  });
});
