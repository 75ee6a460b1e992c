import { compatibilityFindings } from './compatibility.rule';
import { field, record, typeSnapshot } from './spec-support/snapshot.fixtures';

const TYPE = 'payments.payment.received';
const v1 = record('PaymentReceived', [field('payment_id', 'string'), field('amount_minor', 'long')]);
const v2 = record('PaymentReceived', [...v1.fields, field('note', ['null', 'string'], { default: null })]);

const check = (...args: Parameters<typeof compatibilityFindings>) =>
  compatibilityFindings(...args).map(({ rule, file, pointer, message, incompatibility }) => ({
    rule,
    file,
    pointer,
    message,
    incompatibility,
  }));

describe('compatibilityFindings', () => {
  it('accepts a compatible evolution', () => {
    expect(check(typeSnapshot(TYPE, [v1, v2]), undefined)).toEqual([]);
  });

  it('reports a backward problem in the new version, once for all earlier versions it concerns', () => {
    const v3 = record('PaymentReceived', [...v2.fields, field('fee', 'long')]);
    const findings = check(typeSnapshot(TYPE, [v1, v2, v3]), undefined);
    expect(findings).toEqual([
      {
        rule: 'compatibility',
        file: `payments/${TYPE}/v3.avsc`,
        pointer: '/fields/3',
        message:
          'v3 cannot read data written with v2, v1 (FULL_TRANSITIVE checks backward): reader field "fee" ' +
          '(/fields/3) has no default and is missing from the writer: give the field a default',
        incompatibility: { type: 'READER_FIELD_MISSING_DEFAULT_VALUE', direction: 'backward' },
      },
    ]);
  });

  it('places a forward problem in the new version, found by field name', () => {
    const v3 = record('PaymentReceived', [
      field('note', ['null', 'string'], { default: null }),
      field('payment_id', 'int'),
    ]);
    const findings = check(typeSnapshot(TYPE, [v1, v2, v3], 'FORWARD'), undefined);
    expect(findings.map((f) => [f.pointer, f.incompatibility?.type, f.message.split(':')[0]])).toEqual([
      ['/fields/1/type', 'TYPE_MISMATCH', 'v2 cannot read data written with v3 (FORWARD checks forward)'],
      [
        '/fields',
        'READER_FIELD_MISSING_DEFAULT_VALUE',
        'v2 cannot read data written with v3 (FORWARD checks forward)',
      ],
    ]);
  });

  it('a forward problem names the spot it is annotated at, in the new version, even where the field moved', () => {
    const v3 = record('PaymentReceived', [field('amount_minor', 'string'), ...v2.fields.slice(0, 1)]);
    const [mismatch] = check(typeSnapshot(TYPE, [v1, v2, v3], 'FORWARD'), undefined).filter(
      (f) => f.incompatibility?.type === 'TYPE_MISMATCH',
    );
    expect(mismatch?.pointer).toBe('/fields/0/type');
    expect(mismatch?.message).toBe(
      'v2 cannot read data written with v3 (FORWARD checks forward): writer type string at /fields/0/type ' +
        "cannot be read as the reader's long: keep writing long (Avro only promotes int→long→float→double and " +
        'string↔bytes)',
    );
  });

  it('a removed field asks the new version to keep writing it, not the published one to get a default', () => {
    const v3 = record('PaymentReceived', [field('payment_id', 'string'), v2.fields[2]!]);
    expect(check(typeSnapshot(TYPE, [v1, v2, v3], 'FORWARD'), undefined)).toEqual([
      {
        rule: 'compatibility',
        file: `payments/${TYPE}/v3.avsc`,
        pointer: '/fields',
        message:
          'v2 cannot read data written with v3 (FORWARD checks forward): writer record ' +
          '"herald.payments.PaymentReceived" lacks field "amount_minor" in /fields, which the reader requires ' +
          '(it has no default there): keep writing the field',
        incompatibility: { type: 'READER_FIELD_MISSING_DEFAULT_VALUE', direction: 'forward' },
      },
    ]);
  });

  it("a backward problem against an earlier union is annotated at the reader's own type", () => {
    const optional = record('PaymentReceived', [field('payment_id', ['null', 'string']), v1.fields[1]!]);
    const required = record('PaymentReceived', [field('payment_id', 'string'), v1.fields[1]!]);
    const findings = check(typeSnapshot(TYPE, [optional, required], 'BACKWARD'), undefined);
    expect(findings.map((f) => [f.pointer, f.message.split(': ')[1]])).toEqual([
      ['/fields/0/type', 'reader type string at /fields/0/type cannot read data written as null'],
    ]);
  });

  it('checks only against the newest version at a non-transitive level', () => {
    const withFee = record('PaymentReceived', [...v1.fields, field('fee', 'long', { default: 0 })]);
    const feeRequired = record('PaymentReceived', [...v1.fields, field('fee', 'long')]);
    expect(check(typeSnapshot(TYPE, [v1, withFee, feeRequired], 'BACKWARD'), undefined)).toEqual([]);
    const transitive = check(
      typeSnapshot(TYPE, [v1, withFee, feeRequired], 'BACKWARD_TRANSITIVE'),
      undefined,
    );
    expect(transitive.map((f) => [f.pointer, f.message.split(':')[0]])).toEqual([
      ['/fields/2', 'v3 cannot read data written with v1 (BACKWARD_TRANSITIVE checks backward)'],
    ]);
  });

  it('checks nothing at NONE or with an unreadable level', () => {
    const broken = record('PaymentReceived', [field('payment_id', 'int')]);
    expect(check(typeSnapshot(TYPE, [v1, broken], 'NONE'), undefined)).toEqual([]);
    expect(check(typeSnapshot(TYPE, [v1, broken], 'unreadable'), undefined)).toEqual([]);
  });

  it('with a base, checks new versions against the published content, not an edited copy', () => {
    const published = typeSnapshot(TYPE, [v1]);
    const editedV1 = record('PaymentReceived', [field('payment_id', 'string')]);
    const v2WithoutAmount = record('PaymentReceived', [field('payment_id', 'string')]);
    const findings = check(typeSnapshot(TYPE, [editedV1, v2WithoutAmount]), published);
    expect(findings.map((f) => [f.file, f.incompatibility?.direction])).toEqual([
      [`payments/${TYPE}/v2.avsc`, 'forward'],
    ]);
  });

  it('with a base, re-checks published versions only when the level changed', () => {
    const incompatibleV2 = record('PaymentReceived', [field('payment_id', 'string')]);
    const published = typeSnapshot(TYPE, [v1, incompatibleV2], 'BACKWARD');
    expect(check(typeSnapshot(TYPE, [v1, incompatibleV2], 'BACKWARD'), published)).toEqual([]);
    expect(check(typeSnapshot(TYPE, [v1, incompatibleV2], 'FULL'), published).map((f) => f.file)).toEqual([
      `payments/${TYPE}/v2.avsc`,
    ]);
  });
});
