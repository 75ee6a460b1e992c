import { pinnedVersionFindings } from './pinned-versions.rule';
import { field, record, snapshot, typeSnapshot } from './spec-support/snapshot.fixtures';

const TYPE = 'payments.payment.received';
const FOLDER = `payments/${TYPE}`;
const id = field('payment_id', 'string');
const colour = field('colour', 'string');
const note = field('note', ['null', 'string'], { default: null });
const size = field('size', ['null', 'string'], { default: null });

/** BACKWARD lets v2 drop `colour`, which v1 has without a default: v1 cannot read v2 or v3. */
const v1 = record('PaymentReceived', [id, colour]);
const v2 = record('PaymentReceived', [id]);
const v3 = record('PaymentReceived', [id, size]);
const backward = typeSnapshot(TYPE, [v1, v2, v3], 'BACKWARD');

describe('pinnedVersionFindings', () => {
  it('accepts pins whose version reads every later one', () => {
    const compatible = typeSnapshot(TYPE, [
      record('PaymentReceived', [id]),
      record('PaymentReceived', [id, note]),
    ]);
    expect(
      pinnedVersionFindings(snapshot(compatible), [], [{ type: TYPE, version: 1, endpoints: 4 }]),
    ).toEqual([]);
    // A pin of the newest version has nothing later to read.
    expect(pinnedVersionFindings(snapshot(backward), [], [{ type: TYPE, version: 3, endpoints: 1 }])).toEqual(
      [],
    );
  });

  it('reports each later version the pinned one cannot read, in that version, with the pin count and a way out', () => {
    const findings = pinnedVersionFindings(
      snapshot(backward),
      [],
      [{ type: TYPE, version: 1, endpoints: 3 }],
    );
    expect(findings.map(({ rule, file, pointer }) => ({ rule, file, pointer }))).toEqual([
      // The writer lacks the field: its record's field list is the spot.
      { rule: 'pinned-version', file: `${FOLDER}/v2.avsc`, pointer: '/fields' },
      { rule: 'pinned-version', file: `${FOLDER}/v3.avsc`, pointer: '/fields' },
    ]);
    expect(findings[0]!.message).toMatch(
      /^v2 cannot be read by version 1, which 3 webhook endpoints pin \(its compatibility is BACKWARD\): .*colour/,
    );
    // v2 reads v3, so the pins can move there.
    expect(findings[0]!.message).toMatch(
      /Make v2 readable by version 1, or first move those endpoints' pins to version 2 or drop them \(PATCH \/v1\/endpoints\/\{id\} with "versions"\)$/,
    );
    expect(findings[1]!.message).toMatch(/^v3 cannot be read by version 1, which 3 webhook endpoints pin/);
  });

  it('checks only versions after the pinned one', () => {
    expect(pinnedVersionFindings(snapshot(backward), [], [{ type: TYPE, version: 2, endpoints: 1 }])).toEqual(
      [],
    );
  });

  it('points into the later version where the pinned reader meets a change it cannot take', () => {
    const narrowed = typeSnapshot(
      TYPE,
      [
        record('PaymentReceived', [id, field('amount', 'long')]),
        record('PaymentReceived', [id, field('amount', 'double')]),
      ],
      'NONE',
    );
    const [finding, ...more] = pinnedVersionFindings(
      snapshot(narrowed),
      [],
      [{ type: TYPE, version: 1, endpoints: 1 }],
    );
    expect(more).toEqual([]);
    expect(finding).toMatchObject({ file: `${FOLDER}/v2.avsc`, pointer: '/fields/1/type' });
    expect(finding!.message).toMatch(
      /^v2 cannot be read by version 1, which 1 webhook endpoint pins \(its compatibility is NONE\)/,
    );
    // No later version can take the pins but the newest, which cannot read anything after it either way.
    expect(finding!.message).toMatch(/to version 2 or drop them/);
  });

  it('reports a pin of a type or a version the catalog does not have', () => {
    const findings = pinnedVersionFindings(
      snapshot(backward),
      [],
      [
        { type: 'orders.order.lost', version: 1, endpoints: 2 },
        { type: TYPE, version: 9, endpoints: 1 },
      ],
    );
    expect(findings).toEqual([
      {
        rule: 'pinned-version',
        file: '.',
        pointer: '',
        message: expect.stringMatching(
          /^2 webhook endpoints pin version 1 of orders\.order\.lost, but the type is not in the catalog: .*PATCH/,
        ) as unknown,
      },
      {
        rule: 'pinned-version',
        file: FOLDER,
        pointer: '',
        message: expect.stringMatching(
          /^1 webhook endpoint pins version 9 of payments\.payment\.received, but the version is not in the catalog/,
        ) as unknown,
      },
    ]);
  });

  it('leaves a type the catalog rule found broken to that rule', () => {
    const problems = [{ file: `${FOLDER}/v3.avsc`, pointer: '', message: 'invalid JSON' }];
    expect(
      pinnedVersionFindings(snapshot(backward), problems, [{ type: TYPE, version: 1, endpoints: 3 }]),
    ).toEqual([]);
  });
});
