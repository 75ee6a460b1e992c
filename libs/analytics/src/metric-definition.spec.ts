import { checkMetricAgainstSchema } from './metric-schema.check';
import { metricsFilePosition, parseMetricsFile, type MetricDefinition } from './metric-definition';

const SCHEMA = {
  type: 'record',
  name: 'Paid',
  namespace: 'herald.payments',
  fields: [
    { name: 'amount_minor', type: 'long' },
    { name: 'fee_minor', type: ['null', 'long'], default: null },
    { name: 'rate', type: { type: 'double' } },
    { name: 'currency', type: 'string' },
    { name: 'method', type: { type: 'enum', name: 'Method', symbols: ['CARD', 'CASH'] } },
    { name: 'again', type: 'Method' },
    { name: 'card', type: ['null', { type: 'record', name: 'Card', fields: [{ name: 'x', type: 'int' }] }] },
    { name: 'tags', type: { type: 'array', items: 'string' } },
  ],
};

const metric = (overrides: Partial<MetricDefinition>): MetricDefinition => ({
  name: 'm',
  description: '',
  type: 'payments.payment.received',
  version: 1,
  aggregate: 'sum',
  field: 'amount_minor',
  groupBy: [],
  ...overrides,
});

describe('metrics file', () => {
  it('reads a valid file', () => {
    const { metrics, problems } = parseMetricsFile(`metrics:
  - name: total
    type: payments.payment.received
    version: 2
    aggregate: avg
    field: amount_minor
    groupBy: [currency, method]
  - name: shipped
    type: orders.order.shipped
    version: 1
    aggregate: count
`);
    expect(problems).toEqual([]);
    expect(metrics).toEqual([
      {
        name: 'total',
        description: '',
        type: 'payments.payment.received',
        version: 2,
        aggregate: 'avg',
        field: 'amount_minor',
        groupBy: ['currency', 'method'],
      },
      {
        name: 'shipped',
        description: '',
        type: 'orders.order.shipped',
        version: 1,
        aggregate: 'count',
        groupBy: [],
      },
    ]);
  });

  it('reports every problem at its line and column', () => {
    const { metrics, problems } = parseMetricsFile(`metrics:
  - name: count
    type: Payments
    version: 0
    aggregate: median
    groupBy: [a, b, c]
    colour: red
  - name: twice
    type: a.b.c
    version: 1
    aggregate: sum
  - name: twice
    type: a.b.c
    version: 1
    aggregate: count
  - name: twice
    type: a.b.c
    version: 1
    aggregate: count
`);
    expect(metrics.map((m) => m.name)).toEqual(['twice']);
    expect(problems.map((p) => `${p.line}:${p.column} ${p.pointer}`)).toEqual([
      '7:5 /metrics/0/colour',
      '2:5 /metrics/0/name',
      '3:5 /metrics/0/type',
      '4:5 /metrics/0/version',
      '5:5 /metrics/0/aggregate',
      '6:5 /metrics/0/groupBy',
      '11:5 /metrics/1/aggregate',
      '16:5 /metrics/3/name',
    ]);
    expect(problems[1]?.message).toContain('built-in');
    expect(problems[6]?.message).toContain('needs a numeric `field`');
    expect(problems[7]?.message).toBe('metric "twice" is declared twice');
  });

  it('reports invalid YAML and a file that is not a metrics list', () => {
    expect(parseMetricsFile('metrics: [').problems[0]).toMatchObject({ pointer: '', line: 1 });
    expect(parseMetricsFile('- a').problems[0]?.message).toContain('`metrics:` list');
    expect(parseMetricsFile('').problems).toEqual([]);
  });

  it('locates a pointer found later (the schema check)', () => {
    const text = 'metrics:\n  - name: a\n    field: x\n';
    expect(metricsFilePosition(text, '/metrics/0/field')).toEqual({ line: 3, column: 5 });
  });
});

describe('metric against its reader schema', () => {
  it.each([
    ['amount_minor', []],
    ['fee_minor', []],
    ['rate', []],
    [
      'currency',
      ['field "currency" of version 1 of payments.payment.received is of type "string", not numeric'],
    ],
    ['missing', ['field "missing" does not exist in version 1 of payments.payment.received']],
  ])('field %s', (field, messages) => {
    expect(checkMetricAgainstSchema(metric({ field }), SCHEMA).map((p) => p.message)).toEqual(
      messages.map((m) => expect.stringContaining(m) as unknown),
    );
  });

  it('accepts strings, enums (by reference too) and longs as groups, refuses records, arrays and missing fields', () => {
    expect(checkMetricAgainstSchema(metric({ groupBy: ['currency', 'method'] }), SCHEMA)).toEqual([]);
    expect(checkMetricAgainstSchema(metric({ groupBy: ['again', 'amount_minor'] }), SCHEMA)).toEqual([]);
    const refused = checkMetricAgainstSchema(
      metric({ aggregate: 'count', groupBy: ['card', 'tags'] }),
      SCHEMA,
    );
    expect(refused.map((p) => p.key)).toEqual(['groupBy', 'groupBy']);
    expect(checkMetricAgainstSchema(metric({ groupBy: ['nope'] }), SCHEMA)[0]?.message).toContain(
      'does not exist',
    );
  });
});
