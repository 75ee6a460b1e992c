import {
  checkCompatibility,
  COMPATIBILITY_LEVELS,
  InvalidAvroSchemaError,
  isCompatibilityLevel,
  type AvroSchemaJson,
  type CompatibilityLevel,
} from '.';
import { field, record } from './spec-support/compatibility-case';

const summary = (level: CompatibilityLevel, candidate: AvroSchemaJson, history: AvroSchemaJson[]) => {
  const result = checkCompatibility(level, candidate, history);
  return {
    compatible: result.compatible,
    found: result.incompatibilities.map(({ type, path, direction, againstIndex }) => ({
      type,
      path,
      direction,
      againstIndex,
    })),
  };
};

const OK = { compatible: true, found: [] };

describe('checkCompatibility: levels against a history, newest first', () => {
  // v3 adds `currency` without a default; v2 already writes it, v1 never did.
  const v1 = record('Payment', [field('id', 'string')]);
  const v2 = record('Payment', [field('id', 'string'), field('currency', 'string', { default: 'EUR' })]);
  const v3 = record('Payment', [field('id', 'string'), field('currency', 'string')]);

  it('BACKWARD checks only the newest version: the added field is written by v2', () => {
    expect(summary('BACKWARD', v3, [v2, v1])).toEqual(OK);
  });

  it('BACKWARD_TRANSITIVE also reads v1 data, which lacks the field', () => {
    expect(summary('BACKWARD_TRANSITIVE', v3, [v2, v1])).toEqual({
      compatible: false,
      found: [
        {
          type: 'READER_FIELD_MISSING_DEFAULT_VALUE',
          path: '/fields/1',
          direction: 'backward',
          againstIndex: 1,
        },
      ],
    });
  });

  // The candidate stops writing `note`; v2 readers have a default for it, v1 readers do not.
  const n1 = record('Note', [field('id', 'string'), field('note', 'string')]);
  const n2 = record('Note', [field('id', 'string'), field('note', 'string', { default: '' })]);
  const n3 = record('Note', [field('id', 'string')]);

  it('FORWARD checks that the newest version reads candidate data', () => {
    expect(summary('FORWARD', n3, [n2, n1])).toEqual(OK);
  });

  it('FORWARD_TRANSITIVE checks that every version reads candidate data', () => {
    expect(summary('FORWARD_TRANSITIVE', n3, [n2, n1])).toEqual({
      compatible: false,
      found: [
        {
          type: 'READER_FIELD_MISSING_DEFAULT_VALUE',
          path: '/fields/1',
          direction: 'forward',
          againstIndex: 1,
        },
      ],
    });
  });

  it('FORWARD accepts what BACKWARD refuses and the other way round', () => {
    expect(summary('FORWARD', v3, [v1]).compatible).toBe(true);
    expect(summary('BACKWARD', v3, [v1]).compatible).toBe(false);
    expect(summary('BACKWARD', n3, [n1]).compatible).toBe(true);
    expect(summary('FORWARD', n3, [n1]).compatible).toBe(false);
  });

  it('FULL needs both directions and reports each with its direction', () => {
    const previous = record('M', [field('n', 'int')]);
    const candidate = record('M', [field('n', 'string')]);
    expect(summary('FULL', candidate, [previous])).toEqual({
      compatible: false,
      found: [
        { type: 'TYPE_MISMATCH', path: '/fields/0/type', direction: 'backward', againstIndex: 0 },
        { type: 'TYPE_MISMATCH', path: '/fields/0/type', direction: 'forward', againstIndex: 0 },
      ],
    });
    expect(summary('FULL', v2, [v1])).toEqual(OK);
    expect(summary('FULL', v3, [v1]).found.map((f) => f.direction)).toEqual(['backward']);
  });

  it('FULL_TRANSITIVE fails against an older version that FULL never looks at', () => {
    const m1 = record('M', [field('n', 'int')]);
    const m2 = record('M', [field('n', 'long')]);
    expect(summary('FULL', m2, [m2, m1])).toEqual(OK);
    expect(summary('FULL_TRANSITIVE', m2, [m2, m1])).toEqual({
      compatible: false,
      found: [{ type: 'TYPE_MISMATCH', path: '/fields/0/type', direction: 'forward', againstIndex: 1 }],
    });
  });

  it('orders findings by version, then backward before forward', () => {
    const candidate = record('M', [field('n', 'string')]);
    const found = summary('FULL_TRANSITIVE', candidate, [
      record('M', [field('n', 'int')]),
      record('M', [field('n', 'long')]),
    ]).found;
    expect(found.map((f) => [f.againstIndex, f.direction])).toEqual([
      [0, 'backward'],
      [0, 'forward'],
      [1, 'backward'],
      [1, 'forward'],
    ]);
  });

  it('NONE accepts any valid candidate', () => {
    expect(summary('NONE', 'string', [v1, 'int'])).toEqual(OK);
  });

  it.each(COMPATIBILITY_LEVELS)('%s accepts a first version (empty history)', (level) => {
    expect(summary(level, v3, [])).toEqual(OK);
  });
});

describe('checkCompatibility: invalid input', () => {
  it('refuses an invalid candidate at every level, NONE included', () => {
    for (const level of COMPATIBILITY_LEVELS) {
      expect(() => checkCompatibility(level, { type: 'record', fields: [] }, [])).toThrow(
        InvalidAvroSchemaError,
      );
    }
  });

  it('names the invalid previous version, and only parses the versions the level checks', () => {
    expect(() => checkCompatibility('BACKWARD_TRANSITIVE', 'int', ['int', 'nope'])).toThrow(
      'previous schema #1 (newest first) is not a valid Avro schema',
    );
    expect(checkCompatibility('BACKWARD', 'int', ['int', 'nope']).compatible).toBe(true);
  });

  it('refuses an unknown level', () => {
    expect(() => checkCompatibility('SIDEWAYS' as CompatibilityLevel, 'int', [])).toThrow(RangeError);
  });
});

describe('isCompatibilityLevel', () => {
  it.each(COMPATIBILITY_LEVELS)('accepts %s', (level) => {
    expect(isCompatibilityLevel(level)).toBe(true);
  });

  it.each([['backward'], ['FULL '], ['TRANSITIVE'], [42], [undefined], [null]])('refuses %p', (value) => {
    expect(isCompatibilityLevel(value)).toBe(false);
  });

  it('lists the seven Confluent levels', () => {
    expect([...COMPATIBILITY_LEVELS].sort()).toEqual(
      [
        'BACKWARD',
        'BACKWARD_TRANSITIVE',
        'FORWARD',
        'FORWARD_TRANSITIVE',
        'FULL',
        'FULL_TRANSITIVE',
        'NONE',
      ].sort(),
    );
  });
});
