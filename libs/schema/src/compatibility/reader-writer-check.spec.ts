import * as avro from 'avsc';
import {
  checkCompatibility,
  checkReaderWriter,
  InvalidAvroSchemaError,
  MAX_REPORTED_INCOMPATIBILITIES,
  type AvroSchemaJson,
} from '.';
import { compatibilityCases } from './spec-support/compatibility-cases';
import { field, record } from './spec-support/compatibility-case';

/** Whether avsc can resolve the pair; a schema avsc refuses (an empty union) resolves nothing. */
function avscResolves(reader: AvroSchemaJson, writer: AvroSchemaJson): boolean {
  try {
    const readerType = avro.Type.forSchema(reader as avro.Schema);
    readerType.createResolver(avro.Type.forSchema(writer as avro.Schema));
    return true;
  } catch {
    return false;
  }
}

describe('checkReaderWriter: the compatibility table', () => {
  it('covers at least 150 distinctly named reader/writer pairs', () => {
    const names = compatibilityCases.map((c) => c.name);
    expect(names.length).toBeGreaterThanOrEqual(150);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(compatibilityCases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const found = checkReaderWriter(c.reader, c.writer);
    expect(found.map(({ type, path }) => ({ type, path }))).toEqual(c.expected);
    for (const incompatibility of found) expect(incompatibility.message).toMatch(/^(reader|writer) .+: .+/);
  });

  it.each(compatibilityCases.map((c) => [c.name, c] as const))('avsc agrees unless noted: %s', (_name, c) => {
    const checkerSaysCompatible = c.expected.length === 0;
    const expectedAvscVerdict =
      c.avscDisagrees === undefined ? checkerSaysCompatible : !checkerSaysCompatible;
    expect(avscResolves(c.reader, c.writer)).toBe(expectedAvscVerdict);
  });
});

describe('checkReaderWriter: messages', () => {
  const writer = record('Payment', [
    field('id', 'string'),
    field('amount', 'long'),
    field('payer', 'string'),
  ]);

  it('tells the author how to fix a reader field without default', () => {
    const reader = record('Payment', [
      field('id', 'string'),
      field('amount', 'long'),
      field('payer', 'string'),
      field('currency', 'string'),
    ]);
    expect(checkReaderWriter(reader, writer)).toEqual([
      {
        type: 'READER_FIELD_MISSING_DEFAULT_VALUE',
        path: '/fields/3',
        readerPath: '/fields/3',
        writerPath: '/fields',
        message:
          'reader field "currency" (/fields/3) has no default and is missing from the writer: ' +
          'add a default or keep writing the field',
      },
    ]);
  });

  it('names both types and the location of a type mismatch', () => {
    const reader = record('Payment', [field('id', 'string'), field('amount', 'int')]);
    const [mismatch] = checkReaderWriter(reader, writer);
    expect(mismatch?.message).toContain('reader type int at /fields/1/type cannot read data written as long');
  });

  it('lists the missing enum symbols and suggests a default', () => {
    const [missing] = checkReaderWriter(
      { type: 'enum', name: 'S', symbols: ['A'] },
      { type: 'enum', name: 'S', symbols: ['A', 'B', 'C'] },
    );
    expect(missing?.message).toBe(
      'reader enum "S" (/) lacks the writer\'s symbols B, C: add them to the reader or give the reader enum a "default" symbol',
    );
  });

  it('suggests an alias for a renamed type, with the writer full name', () => {
    const [mismatch] = checkReaderWriter(
      { type: 'record', name: 'Refund', namespace: 'a', fields: [] },
      { type: 'record', name: 'Payment', namespace: 'b', fields: [] },
    );
    expect(mismatch?.message).toContain('add "b.Payment" to the reader\'s aliases');
  });

  it('names the unmatched writer union branch', () => {
    const [missing] = checkReaderWriter(['null', 'int'], ['null', 'int', 'string']);
    expect(missing?.message).toContain(
      'writer union branch 2 (string) has no branch in the reader union at /',
    );
  });

  it('gives sizes for a resized fixed type', () => {
    const [mismatch] = checkReaderWriter(
      { type: 'fixed', name: 'H', size: 16 },
      { type: 'fixed', name: 'H', size: 32 },
    );
    expect(mismatch?.message).toContain('has size 16 but the writer writes 32 bytes');
  });
});

describe('checkCompatibility: remedies the author of the new schema can apply', () => {
  const messages = (level: 'BACKWARD' | 'FORWARD', candidate: AvroSchemaJson, previous: AvroSchemaJson) =>
    checkCompatibility(level, candidate, [previous]).incompatibilities.map((i) => i.message);
  const v1Fields = [field('id', 'string'), field('email', 'string'), field('age', 'int')];
  const v1 = record('User', v1Fields);

  it('a removed field: keep writing it in the new schema, not "add a default" to the published one', () => {
    const removed = record('User', [field('id', 'string'), field('age', 'int')]);
    expect(messages('FORWARD', removed, v1)).toEqual([
      'writer record "User" lacks field "email" in /fields, which the reader requires (it has no default ' +
        'there): keep writing the field',
    ]);
  });

  it('a new field without default: give it a default in the new schema', () => {
    const added = record('User', [...v1Fields, field('plan', 'string')]);
    expect(messages('BACKWARD', added, v1)).toEqual([
      'reader field "plan" (/fields/3) has no default and is missing from the writer: give the field a default',
    ]);
  });

  it('a changed type, forward: names the spot in the new schema, whose field moved', () => {
    const moved = record('User', [field('id', 'string'), field('age', 'string')]);
    const [found] = checkCompatibility('FORWARD', moved, [v1]).incompatibilities.filter(
      (i) => i.type === 'TYPE_MISMATCH',
    );
    expect(found).toMatchObject({
      path: '/fields/2/type',
      readerPath: '/fields/2/type',
      writerPath: '/fields/1/type',
    });
    expect(found?.message).toBe(
      "writer type string at /fields/1/type cannot be read as the reader's int: keep writing int " +
        '(Avro only promotes int→long→float→double and string↔bytes)',
    );
  });

  it('a new enum symbol, forward: remove it from the new schema', () => {
    const [found] = checkCompatibility('FORWARD', { type: 'enum', name: 'S', symbols: ['A', 'B'] }, [
      { type: 'enum', name: 'S', symbols: ['A'] },
    ]).incompatibilities;
    expect(found?.message).toBe(
      'writer enum "S" (/) has the symbols B, which the reader enum lacks and has no "default" for: ' +
        'remove them from the writer',
    );
  });

  it('a new union branch, forward: remove it from the new schema', () => {
    expect(messages('FORWARD', ['null', 'int', 'string'], ['null', 'int'])).toEqual([
      'writer union branch 2 (string) at /2 has no branch in the reader union that can read it: ' +
        'remove that branch from the writer union',
    ]);
  });
});

describe('checkReaderWriter: a writer union against a reader that is not one', () => {
  it("keeps Java's location with the branch index, and the real spot in each schema", () => {
    const reader = record('R', [field('f', 'string')]);
    const writer = record('R', [field('f', ['null', 'string'])]);
    expect(checkReaderWriter(reader, writer)).toEqual([
      {
        type: 'TYPE_MISMATCH',
        path: '/fields/0/type/0',
        readerPath: '/fields/0/type',
        writerPath: '/fields/0/type/0',
        message:
          "reader type string at /fields/0/type cannot read data written as null: keep the writer's type " +
          '(Avro only promotes int→long→float→double and string↔bytes)',
      },
    ]);
  });
});

describe('checkReaderWriter: invalid schemas', () => {
  it.each<[string, AvroSchemaJson]>([
    ['an unknown type name', 'integer'],
    ['an undefined reference', record('R', [field('a', 'Missing')])],
    ['a record without a name', { type: 'record', fields: [] }],
    ['a default of the wrong type', record('R', [field('a', 'int', { default: 'zero' })])],
    ['a duplicate union branch', ['int', 'int']],
    ['field aliases that are not strings', record('R', [field('a', 'int', { aliases: 'b' })])],
    [
      // avsc nests "a.R" in the namespace attribute "x"; the specification (and Java) in "a".
      "a reference that only resolves in avsc's reading of a dotted name with a namespace",
      record(
        'Top',
        [
          field('e', { type: 'enum', name: 'E', symbols: ['A'] }),
          field('r', record('a.R', [field('f', 'E')], { namespace: 'x' })),
        ],
        { namespace: 'x' },
      ),
    ],
    [
      'a default on a field of type [] (an empty union has no value)',
      record('R', [field('a', [], { default: null })]),
    ],
    ['an empty union directly in a union', ['null', []]],
  ])('refuses %s, naming the schema', (_what, schema) => {
    expect(() => checkReaderWriter('int', schema)).toThrow(InvalidAvroSchemaError);
    expect(() => checkReaderWriter('int', schema)).toThrow(/^writer schema is not a valid Avro schema: /);
    expect(() => checkReaderWriter(schema, 'int')).toThrow(/^reader schema is not a valid Avro schema: /);
  });
});

describe('checkReaderWriter: the empty union', () => {
  it('refuses a default for it, as Java does, in words that do not name the stand-in avsc validates', () => {
    expect(() => checkReaderWriter('int', record('R', [field('a', [], { default: null })]))).toThrow(
      'writer schema is not a valid Avro schema: a field of type [] (an empty union) cannot have a default',
    );
  });
});

describe('checkReaderWriter: pathological schemas', () => {
  it('caps the list of incompatibilities', () => {
    const fields = Array.from({ length: MAX_REPORTED_INCOMPATIBILITIES + 5 }, (_, i) =>
      field(`f${i}`, 'int'),
    );
    const found = checkReaderWriter(record('R', fields), record('R', []));
    expect(found).toHaveLength(MAX_REPORTED_INCOMPATIBILITIES);
    expect(found.at(-1)?.path).toBe(`/fields/${MAX_REPORTED_INCOMPATIBILITIES - 1}`);
    expect(found.at(-1)?.message).toMatch(/\(the list stops here at 1000 incompatibilities; more exist\)$/);
    expect(found.at(-2)?.message).not.toMatch(/more exist/);
    const result = checkCompatibility('BACKWARD', record('R', fields), [record('R', [])]);
    expect([result.incompatibilities.length, result.truncated]).toEqual([
      MAX_REPORTED_INCOMPATIBILITIES,
      true,
    ]);
  });

  it('does not flag a list that reaches the cap exactly', () => {
    const fields = Array.from({ length: MAX_REPORTED_INCOMPATIBILITIES }, (_, i) => field(`f${i}`, 'int'));
    const found = checkReaderWriter(record('R', fields), record('R', []));
    expect(found).toHaveLength(MAX_REPORTED_INCOMPATIBILITIES);
    expect(found.some((f) => /more exist/.test(f.message))).toBe(false);
    expect(checkCompatibility('BACKWARD', record('R', fields), [record('R', [])]).truncated).toBe(false);
  });

  it('finishes on a named type reused 2^40 times through references', () => {
    // Level i holds level i-1 twice (once defined, once by reference): 2^40 paths to the leaf.
    const nest = (leafType: string, depth: number): AvroSchemaJson => {
      let schema: AvroSchemaJson = record('L0', [field('x', leafType)]);
      for (let i = 1; i <= depth; i++) {
        schema = record(`L${i}`, [field('a', schema), field('b', `L${i - 1}`)]);
      }
      return schema;
    };
    expect(checkReaderWriter(nest('long', 40), nest('int', 40))).toEqual([]);
    const found = checkReaderWriter(nest('int', 40), nest('long', 40));
    expect(found).toHaveLength(MAX_REPORTED_INCOMPATIBILITIES);
    expect(new Set(found.map((f) => f.type))).toEqual(new Set(['TYPE_MISMATCH']));
  });
});
