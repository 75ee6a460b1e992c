import type { CompatibilityLevel } from '@app/schema';

import { lintVersion, type LintTarget } from './lint.rules';
import { field, record } from './spec-support/snapshot.fixtures';

const v1 = record('PaymentReceived', [
  field('payment_id', 'string'),
  field('method', {
    type: 'enum',
    name: 'Method',
    doc: 'How.',
    symbols: ['UNKNOWN', 'CARD'],
    default: 'UNKNOWN',
  }),
]);

function lint(schema: unknown, overrides: Partial<LintTarget> = {}) {
  return lintVersion({
    domain: 'payments',
    file: 'payments/payments.payment.received/v1.avsc',
    version: 1,
    schema,
    level: 'FULL_TRANSITIVE',
    earlier: [],
    ...overrides,
  }).map(({ rule, pointer, message }) => ({ rule, pointer, message }));
}

describe('lintVersion', () => {
  it('accepts a schema written the house way', () => {
    expect(lint(v1)).toEqual([]);
  });

  it('record-doc: every record, nested ones included, has a non-blank doc', () => {
    const nested = { type: 'record', name: 'Card', fields: [field('last4', 'string')] };
    const schema = record('PaymentReceived', [field('card', ['null', nested], { default: null })], {
      doc: ' ',
    });
    expect(lint(schema).filter((f) => f.rule === 'record-doc')).toEqual([
      {
        rule: 'record-doc',
        pointer: '/name',
        message:
          'record "PaymentReceived" has no "doc": say what it means to a consumer, in one or two sentences',
      },
      {
        rule: 'record-doc',
        pointer: '/fields/0/type/1/name',
        message: 'record "Card" has no "doc": say what it means to a consumer, in one or two sentences',
      },
    ]);
  });

  it('field-doc: every field has a doc, inside arrays and maps too', () => {
    const item = {
      type: 'record',
      name: 'Item',
      doc: 'One item.',
      fields: [{ name: 'sku', type: 'string' }],
    };
    const schema = record('PaymentReceived', [
      { name: 'payment_id', type: 'string' },
      field('items', { type: 'map', values: { type: 'array', items: item } }),
    ]);
    expect(lint(schema)).toEqual([
      {
        rule: 'field-doc',
        pointer: '/fields/0/name',
        message: 'field "payment_id" has no "doc": say what it means to a consumer, in one or two sentences',
      },
      {
        rule: 'field-doc',
        pointer: '/fields/1/type/values/items/fields/0/name',
        message: 'field "sku" has no "doc": say what it means to a consumer, in one or two sentences',
      },
    ]);
  });

  it('enum-doc and enum-default: enums carry a doc and a fallback symbol', () => {
    const schema = record('PaymentReceived', [
      field('method', { type: 'enum', name: 'Method', symbols: ['CARD'] }),
    ]);
    expect(lint(schema)).toEqual([
      {
        rule: 'enum-doc',
        pointer: '/fields/0/type/name',
        message: 'enum "Method" has no "doc": say what it means to a consumer, in one or two sentences',
      },
      {
        rule: 'enum-default',
        pointer: '/fields/0/type/name',
        message:
          'enum "Method" has no "default": add a fallback symbol (e.g. UNKNOWN or OTHER) so a reader on an older version can read symbols added later',
      },
    ]);
  });

  it.each([
    [{ namespace: 'herald.billing' }, '/namespace', 'namespace "herald.billing"'],
    [{ namespace: undefined }, '/name', 'no namespace'],
    [{ name: 'acme.payments.PaymentReceived', namespace: undefined }, '/name', 'namespace "acme.payments"'],
  ])('namespace-domain: %j is reported at %s', (extra, pointer, found) => {
    expect(lint({ ...v1, ...extra })).toEqual([
      {
        rule: 'namespace-domain',
        pointer,
        message: `the top-level record has ${found}; records of domain "payments" use namespace "herald.payments"`,
      },
    ]);
  });

  it('namespace-domain accepts a dotted full name in the right namespace', () => {
    expect(lint({ ...v1, name: 'herald.payments.PaymentReceived', namespace: undefined })).toEqual([]);
  });

  it('name-case: named types are PascalCase, with a suggestion', () => {
    const schema = record('payment_received', [
      field('digest', { type: 'fixed', name: 'sha256-digest', size: 32, doc: 'x' }),
    ]);
    expect(lint(schema)).toEqual([
      {
        rule: 'name-case',
        pointer: '/name',
        message: 'record "payment_received" should be named in PascalCase, e.g. "PaymentReceived"',
      },
      {
        rule: 'name-case',
        pointer: '/fields/0/type/name',
        message: 'fixed "sha256-digest" should be named in PascalCase, e.g. "Sha256Digest"',
      },
    ]);
  });

  describe('new-field-default', () => {
    const v2 = record('PaymentReceived', [...v1.fields, field('note', 'string')]);
    const v3 = record('PaymentReceived', [...v1.fields, field('note', 'string'), field('fee', 'long')]);
    const newFields = (schema: unknown, earlier: unknown[], level: CompatibilityLevel) =>
      lint(schema, { version: earlier.length + 1, earlier, level }).filter(
        (f) => f.rule === 'new-field-default',
      );

    it('flags a field added without a default when the level checks backward', () => {
      expect(newFields(v2, [v1], 'BACKWARD')).toEqual([
        {
          rule: 'new-field-default',
          pointer: '/fields/2/name',
          message:
            'field "note" is new in v2 but has no "default": at BACKWARD, v2 must read data written with v1, which lack it; add a default (an optional field is ["null", T] with "default": null)',
        },
      ]);
    });

    it('counts every earlier version at a transitive level, only the newest otherwise', () => {
      expect(
        newFields(v3, [v1, v2], 'FULL_TRANSITIVE').map((f) => [
          f.pointer,
          f.message.match(/with (.*), which/)?.[1],
        ]),
      ).toEqual([
        ['/fields/2/name', 'v1'],
        ['/fields/3/name', 'v1, v2'],
      ]);
      expect(newFields(v3, [v1, v2], 'FULL').map((f) => f.pointer)).toEqual(['/fields/3/name']);
    });

    it('accepts a default, a field that kept its name through an alias, and levels without backward', () => {
      const withDefault = record('PaymentReceived', [
        ...v1.fields,
        field('note', ['null', 'string'], { default: null }),
      ]);
      expect(newFields(withDefault, [v1], 'FULL')).toEqual([]);
      const renamed = record('PaymentReceived', [
        field('id', 'string', { aliases: ['payment_id'] }),
        ...v1.fields.slice(1),
      ]);
      expect(newFields(renamed, [v1], 'FULL')).toEqual([]);
      expect(newFields(v2, [v1], 'FORWARD_TRANSITIVE')).toEqual([]);
      expect(newFields(v2, [v1], 'NONE')).toEqual([]);
      expect(newFields(v2, [v1], undefined as unknown as CompatibilityLevel)).toEqual([]);
    });

    it('checks fields of nested records matched by name, not the fields of a record new in this version', () => {
      const card = (fields: object[]) => ({ type: 'record', name: 'Card', doc: 'Card.', fields });
      const old = record('PaymentReceived', [field('card', card([field('last4', 'string')]))]);
      const now = record('PaymentReceived', [
        field('card', card([field('last4', 'string'), field('brand', 'string')])),
        field(
          'wallet',
          ['null', { type: 'record', name: 'Wallet', doc: 'W.', fields: [field('kind', 'string')] }],
          {
            default: null,
          },
        ),
      ]);
      expect(newFields(now, [old], 'BACKWARD').map((f) => f.pointer)).toEqual([
        '/fields/0/type/fields/1/name',
      ]);
    });
  });

  it('skips what is not shaped like a schema instead of throwing', () => {
    expect(lint([1, 'x', null])).toEqual([]);
    expect(
      lint({ type: 'record', name: 'PaymentReceived', namespace: 'herald.payments', doc: 'x', fields: [3] }),
    ).toEqual([]);
  });
});
