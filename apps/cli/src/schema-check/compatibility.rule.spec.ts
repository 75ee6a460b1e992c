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
          '(/fields/3) has no default and is missing from the writer: add a default or keep writing the field',
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
