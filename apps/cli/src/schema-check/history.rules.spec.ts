import type { CompatibilityLevel } from '@app/schema';

import { historyFindings } from './history.rules';
import { field, record, snapshot, typeSnapshot } from './spec-support/snapshot.fixtures';

const TYPE = 'payments.payment.received';
const v1 = record('PaymentReceived', [field('payment_id', 'string'), field('merchant_id', 'string')]);
const v2 = record('PaymentReceived', [...v1.fields, field('note', ['null', 'string'], { default: null })]);
const base = snapshot(typeSnapshot(TYPE, [v1, v2]));

const check = (...types: Parameters<typeof snapshot>) =>
  historyFindings(base, snapshot(...types), 'origin/main').map(({ rule, file, pointer, message }) => ({
    rule,
    file,
    pointer,
    message,
  }));

describe('historyFindings', () => {
  it('accepts an unchanged history and a new version', () => {
    const v3 = record('PaymentReceived', [...v2.fields, field('fee', ['null', 'long'], { default: null })]);
    expect(check(typeSnapshot(TYPE, [v1, v2, v3]))).toEqual([]);
  });

  it('accepts a reformatted published file: parsed JSON decides', () => {
    const reformatted = typeSnapshot(TYPE, [v1, v2]);
    const [first, second] = reformatted.versions;
    const text = JSON.stringify(Object.fromEntries(Object.entries(v2).reverse()));
    const compact = { ...second!, text, json: JSON.parse(text) as unknown };
    expect(compact.text).not.toBe(second!.text);
    expect(check({ ...reformatted, versions: [first!, compact] })).toEqual([]);
  });

  it('version-edited: points at the first changed spot and names the next free version', () => {
    const edited = { ...v2, fields: [v2.fields[0], { ...v2.fields[1], doc: 'Changed.' }, v2.fields[2]] };
    expect(check(typeSnapshot(TYPE, [v1, edited]))).toEqual([
      {
        rule: 'version-edited',
        file: `payments/${TYPE}/v2.avsc`,
        pointer: '/fields/1/doc',
        message: `v2 of ${TYPE} is published and immutable, but its content changed at /fields/1/doc: restore it from origin/main and put the change in a new version, v3.avsc`,
      },
    ]);
  });

  it('version-edited: a file that no longer parses is compared by text', () => {
    const findings = check(typeSnapshot(TYPE, [v1, '{ "type": "record",']));
    expect(findings.map((f) => [f.rule, f.pointer])).toEqual([['version-edited', '']]);
    expect(findings[0]?.message).toContain('but its content changed: restore it from origin/main');
  });

  it('version-deleted: a published version file that is gone', () => {
    expect(check(typeSnapshot(TYPE, [v1]))).toEqual([
      {
        rule: 'version-deleted',
        file: `payments/${TYPE}/v2.avsc`,
        pointer: '',
        message: `v2 of ${TYPE} is published (it exists in origin/main) and was deleted: registry version 2 and the data written with it still exist; restore the file`,
      },
    ]);
  });

  it('type-removed: a published type that is gone, reported once for its folder', () => {
    expect(check()).toEqual([
      {
        rule: 'type-removed',
        file: `payments/${TYPE}`,
        pointer: '',
        message: `event type ${TYPE} was removed, but it is published (it exists in origin/main): its topic, registry subject and data stay in use; restore the folder`,
      },
    ]);
  });

  it('type-renamed: a removed type whose versions reappear under a new type, even with a new record name', () => {
    const renamed = (schema: typeof v1) => ({ ...schema, name: 'PaymentCaptured' });
    expect(check(typeSnapshot('payments.payment.captured', [renamed(v1), renamed(v2)]))).toEqual([
      {
        rule: 'type-renamed',
        file: 'payments/payments.payment.captured/v1.avsc',
        pointer: '',
        message:
          `event type ${TYPE} was renamed to payments.payment.captured (which repeats its v1, v2): a type's name is ` +
          `its Kafka topic and registry subject, so consumers and stored data stay on ${TYPE}; keep it and evolve ` +
          'it with a new version, or add the new type without removing the old one',
      },
    ]);
  });

  it('a new type with other fields is no rename: the removal stands on its own', () => {
    const other = record('RefundIssued', [field('refund_id', 'string')]);
    expect(check(typeSnapshot('payments.refund.issued', [other])).map((f) => f.rule)).toEqual([
      'type-removed',
    ]);
  });

  it('level-loosened: names what the new level drops', () => {
    expect(check(typeSnapshot(TYPE, [v1, v2], 'BACKWARD'))).toEqual([
      {
        rule: 'level-loosened',
        file: `payments/${TYPE}/event.yaml`,
        pointer: '/compatibility',
        message: `compatibility of ${TYPE} was loosened from FULL_TRANSITIVE to BACKWARD, which drops the forward checks and checks a new version against the latest version only, not against every earlier one as FULL_TRANSITIVE does: readers and writers already rely on FULL_TRANSITIVE; keep it or choose a level that implies it`,
      },
    ]);
  });

  it.each<[CompatibilityLevel, CompatibilityLevel, string]>([
    [
      'FULL',
      'FULL_TRANSITIVE',
      'checks a new version against the latest version only, not against every earlier one as FULL_TRANSITIVE does',
    ],
    ['BACKWARD_TRANSITIVE', 'FULL_TRANSITIVE', 'drops the forward checks'],
    ['FORWARD', 'FULL', 'drops the backward checks'],
    ['NONE', 'BACKWARD', 'checks nothing'],
  ])('level-loosened: %s after %s %s', (newer, older, lost) => {
    const published = snapshot(typeSnapshot(TYPE, [v1, v2], older));
    const [finding] = historyFindings(published, snapshot(typeSnapshot(TYPE, [v1, v2], newer)), 'main');
    expect(finding?.message).toBe(
      `compatibility of ${TYPE} was loosened from ${older} to ${newer}, which ${lost}: readers and writers ` +
        `already rely on ${older}; keep it or choose a level that implies it`,
    );
  });

  it('accepts a tightened level, and skips an unreadable one (the catalog rule reports it)', () => {
    const loose = snapshot(typeSnapshot(TYPE, [v1, v2], 'BACKWARD'));
    expect(historyFindings(loose, snapshot(typeSnapshot(TYPE, [v1, v2], 'FULL')), 'main')).toEqual([]);
    expect(check(typeSnapshot(TYPE, [v1, v2], 'unreadable'))).toEqual([]);
  });
});
