import { JsonAvroMapping, type FromJsonResult } from './json-mapping';
import type { ValidationIssue } from './json-to-avro';

/** The issues of a rejected result; a result that was accepted fails the test here. */
function issuesOf(result: FromJsonResult): ValidationIssue[] {
  if (result.ok)
    throw new Error(`expected the JSON to be rejected, but it mapped to ${String(result.value)}`);
  return result.issues;
}

const money = {
  type: 'record',
  name: 'Payment',
  namespace: 'herald.payments',
  fields: [
    { name: 'payment_id', type: { type: 'string', logicalType: 'uuid' } },
    { name: 'amount_minor', type: 'long' },
    { name: 'amount', type: { type: 'bytes', logicalType: 'decimal', precision: 12, scale: 2 } },
    { name: 'received_at', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'booked_on', type: { type: 'int', logicalType: 'date' } },
    {
      name: 'method',
      type: { type: 'enum', name: 'Method', symbols: ['CARD', 'BANK', 'OTHER'], default: 'OTHER' },
    },
    { name: 'note', type: ['null', 'string'], default: null },
    { name: 'tags', type: { type: 'array', items: 'string' }, default: [] },
    { name: 'attributes', type: { type: 'map', values: 'long' }, default: {} },
    { name: 'signature', type: ['null', { type: 'fixed', name: 'Sig', size: 4 }], default: null },
  ],
};

const valid = {
  payment_id: '0190f3c4-8a1b-7c3d-9e4f-123456789abc',
  amount_minor: '9007199254740993',
  amount: '1234.50',
  received_at: '2026-11-26T10:15:00.123Z',
  booked_on: '2026-11-26',
  method: 'CARD',
  note: 'first',
  tags: ['a', 'b'],
  attributes: { retries: 2 },
  signature: 'AQIDBA==',
};

describe('JsonAvroMapping', () => {
  const mapping = JsonAvroMapping.compile(money);

  it('round-trips every mapped type losslessly through Avro binary', () => {
    const result = mapping.fromJson(valid);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const decoded: unknown = mapping.type.fromBuffer(mapping.type.toBuffer(result.value));
    expect(mapping.toJson(decoded)).toEqual({ ...valid, amount_minor: '9007199254740993' });
  });

  it('encodes the same content to the same bytes whatever the JSON key order, maps included', () => {
    const encode = (json: unknown) => {
      const result = mapping.fromJson(json);
      if (!result.ok) throw new Error(JSON.stringify(result.issues));
      return mapping.type.toBuffer(result.value).toString('hex');
    };
    const attributes = { zeta: 1, alpha: 2, '10': 3, '9': 4, Beta: 5 };
    const reordered = Object.fromEntries(Object.entries({ ...valid, attributes }).reverse());
    const reversedMap = Object.fromEntries(Object.entries(attributes).reverse());
    expect(encode({ ...reordered, attributes: reversedMap })).toBe(encode({ ...valid, attributes }));
  });

  it('keeps longs within 2^53 as JSON numbers and beyond as strings', () => {
    const result = mapping.fromJson({ ...valid, amount_minor: 42 });
    if (!result.ok) throw new Error('expected valid');
    expect((mapping.toJson(result.value) as { amount_minor: unknown }).amount_minor).toBe(42);
  });

  it('fills defaults for omitted optional fields', () => {
    const { note: _n, tags: _t, attributes: _a, signature: _s, ...required } = valid;
    const result = mapping.fromJson(required);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const decoded = mapping.toJson(mapping.type.fromBuffer(mapping.type.toBuffer(result.value)));
    expect(decoded).toMatchObject({ note: null, tags: [], attributes: {}, signature: null });
  });

  it('collects every violation with a JSON pointer and a reason', () => {
    const result = mapping.fromJson({
      ...valid,
      payment_id: 'not-a-uuid',
      amount_minor: '12.5',
      amount: '1.234',
      received_at: 'yesterday',
      booked_on: '2026-02-30',
      method: 'CASH',
      tags: ['ok', 7],
      attributes: { retries: 'two' },
      signature: 'AQID',
      extra: true,
    });
    expect(issuesOf(result)).toEqual([
      { path: '/extra', message: 'unknown field "extra" in herald.payments.Payment' },
      { path: '/payment_id', message: 'expected a UUID string, got "not-a-uuid"' },
      { path: '/amount_minor', message: 'expected a long (integer; as a string beyond 2^53), got "12.5"' },
      { path: '/amount', message: '"1.234" has 3 decimal places; the schema allows 2' },
      {
        path: '/received_at',
        message: '"yesterday" expected an RFC 3339 timestamp such as "2026-11-26T10:15:00.000Z"',
      },
      { path: '/booked_on', message: '"2026-02-30" expected a calendar date such as "2026-11-26"' },
      { path: '/method', message: 'expected one of ["CARD","BANK","OTHER"], got "CASH"' },
      { path: '/tags/1', message: 'expected a string, got 7' },
      {
        path: '/attributes/retries',
        message: 'expected a long (integer; as a string beyond 2^53), got "two"',
      },
      { path: '/signature', message: '"AQID" decodes to 3 bytes; herald.payments.Sig is 4 bytes' },
    ]);
  });

  it('reports a missing required field and a wrong top-level shape', () => {
    const { amount_minor: _omit, ...rest } = valid;
    expect(mapping.fromJson(rest)).toEqual({
      ok: false,
      issues: [{ path: '/amount_minor', message: 'required field "amount_minor" is missing' }],
    });
    expect(mapping.fromJson([1])).toEqual({
      ok: false,
      issues: [{ path: '', message: 'expected an object (herald.payments.Payment), got an array of 1' }],
    });
  });

  it('refuses strings with a lone surrogate instead of writing U+FFFD in their place', () => {
    expect(
      issuesOf(
        mapping.fromJson({
          ...valid,
          note: 'a\ud800',
          tags: ['ok', '\udc00b'],
          attributes: { 'k\ud83d': 1 },
        }),
      ),
    ).toEqual([
      {
        path: '/note',
        message: '"a\\ud800" is not well-formed Unicode (a lone surrogate has no UTF-8 form)',
      },
      {
        path: '/tags/1',
        message: '"\\udc00b" is not well-formed Unicode (a lone surrogate has no UTF-8 form)',
      },
      { path: '/attributes/k\ud83d', message: 'map key is not well-formed Unicode' },
    ]);
    expect(mapping.fromJson({ ...valid, note: 'pair 😀 ok' }).ok).toBe(true);
  });

  it('refuses a "__proto__" map key instead of losing it (avsc decodes maps by assignment)', () => {
    const result = mapping.fromJson({
      ...valid,
      attributes: JSON.parse('{"__proto__": 1, "ok": 2}') as unknown,
    });
    expect(result).toEqual({
      ok: false,
      issues: [{ path: '/attributes/__proto__', message: 'map key "__proto__" is not supported' }],
    });
  });

  it('rejects decimals beyond the precision and timestamps finer than the unit', () => {
    const result = mapping.fromJson({
      ...valid,
      amount: '12345678901.00',
      received_at: '2026-11-26T10:15:00.1234Z',
    });
    expect(issuesOf(result).map((i) => i.message)).toEqual([
      '"12345678901.00" needs 13 digits; the schema\'s precision is 12',
      '"2026-11-26T10:15:00.1234Z" has more precision than the schema\'s timestamp-millis',
    ]);
  });

  it('rejects impossible calendar days instead of rolling them over, and names deep values briefly', () => {
    const result = mapping.fromJson({ ...valid, received_at: '2026-02-30T00:00:00Z', amount: [[[[1]]]] });
    expect(issuesOf(result).map((i) => i.message)).toEqual([
      expect.stringContaining('an array of 1'),
      '"2026-02-30T00:00:00Z" is not a real date and time',
    ]);
  });

  it('accepts timestamps with an offset and normalises them to UTC', () => {
    const result = mapping.fromJson({ ...valid, received_at: '2026-11-26T11:15:00.123+01:00' });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect((mapping.toJson(result.value) as { received_at: string }).received_at).toBe(
      '2026-11-26T10:15:00.123Z',
    );
  });
});

describe('JSON mapping of unions', () => {
  const ambiguous = JsonAvroMapping.compile({
    type: 'record',
    name: 'Measure',
    fields: [{ name: 'value', type: ['null', 'int', 'long', 'string'] }],
  });

  it('maps an optional value with the null branch first or last alike', () => {
    for (const type of [
      ['null', 'long'],
      ['long', 'null'],
    ]) {
      const optional = JsonAvroMapping.compile({
        type: 'record',
        name: 'Opt',
        fields: [{ name: 'n', type }],
      });
      expect(optional.fromJson({ n: null })).toEqual({ ok: true, value: { n: null } });
      expect(optional.fromJson({ n: 5 })).toEqual({ ok: true, value: { n: { long: 5n } } });
      expect(optional.fromJson({ n: { long: 6 } })).toEqual({ ok: true, value: { n: { long: 6n } } });
      expect(optional.fromJson({ n: 'x' })).toEqual({
        ok: false,
        issues: [{ path: '/n', message: 'expected a long (integer; as a string beyond 2^53), got "x"' }],
      });
      expect(optional.toJson(optional.type.fromBuffer(optional.type.toBuffer({ n: { long: 5n } })))).toEqual({
        n: 5,
      });
    }
  });

  it('infers the branch of a plain value when exactly one branch fits', () => {
    const result = ambiguous.fromJson({ value: 'text' });
    expect(result).toEqual({ ok: true, value: { value: { string: 'text' } } });
  });

  it('asks for an explicit branch when several fit, and accepts it', () => {
    expect(ambiguous.fromJson({ value: 7 })).toEqual({
      ok: false,
      issues: [
        {
          path: '/value',
          message: '7 fits several branches of the union; wrap it as {"int": ...} or {"long": ...}',
        },
      ],
    });
    const explicit = ambiguous.fromJson({ value: { long: 7 } });
    expect(explicit).toEqual({ ok: true, value: { value: { long: 7n } } });
  });

  it('writes ambiguous unions wrapped and plain unions unwrapped, so output reads back the same', () => {
    const explicit = ambiguous.fromJson({ value: { long: 7 } });
    if (!explicit.ok) throw new Error('expected valid');
    const json = ambiguous.toJson(explicit.value);
    expect(json).toEqual({ value: { long: 7 } });
    expect(ambiguous.fromJson(json)).toEqual(explicit);
  });

  it('maps recursive records (a linked list)', () => {
    const list = JsonAvroMapping.compile({
      type: 'record',
      name: 'Node',
      namespace: 'herald.test',
      fields: [
        { name: 'label', type: 'string' },
        { name: 'next', type: ['null', 'Node'], default: null },
      ],
    });
    const json = { label: 'a', next: { label: 'b', next: null } };
    const result = list.fromJson(json);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(list.toJson(list.type.fromBuffer(list.type.toBuffer(result.value)))).toEqual(json);
  });
});
