/**
 * Primitive types, read against every primitive type, and primitive against complex types.
 * From the specification: "the data is promotable to the reader's type: int is promotable to
 * long, float, or double; long is promotable to float or double; float is promotable to double;
 * string is promotable to bytes; bytes is promotable to string." Nothing else converts.
 */
import {
  arrayOf,
  COMPATIBLE,
  enumOf,
  field,
  fixed,
  mapOf,
  record,
  row,
  typeMismatch,
  type CompatibilityCase,
} from './compatibility-case';

const PRIMITIVES = ['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string'] as const;

/** What each reader primitive reads, straight from the sentence above. */
const READS: Readonly<Record<(typeof PRIMITIVES)[number], readonly string[]>> = {
  null: ['null'],
  boolean: ['boolean'],
  int: ['int'],
  long: ['long', 'int'],
  float: ['float', 'int', 'long'],
  double: ['double', 'int', 'long', 'float'],
  bytes: ['bytes', 'string'],
  string: ['string', 'bytes'],
};

const primitiveMatrix: CompatibilityCase[] = PRIMITIVES.flatMap((reader) =>
  PRIMITIVES.map((writer) =>
    row(
      `primitive: ${reader} reader, ${writer} writer`,
      reader,
      writer,
      READS[reader].includes(writer) ? COMPATIBLE : [typeMismatch('/')],
    ),
  ),
);

const primitiveObjectForms: CompatibilityCase[] = [
  row('primitive: {"type": "long"} object form reads "int"', { type: 'long' }, 'int', COMPATIBLE),
  row('primitive: "int" cannot read {"type": "long"}', 'int', { type: 'long' }, [typeMismatch('/')]),
];

const primitiveVersusComplex: CompatibilityCase[] = [
  row('complex: int reader, array writer', 'int', arrayOf('int'), [typeMismatch('/')]),
  row('complex: array reader, int writer', arrayOf('int'), 'int', [typeMismatch('/')]),
  row('complex: map reader, array writer', mapOf('int'), arrayOf('int'), [typeMismatch('/')]),
  row('complex: array reader, map writer', arrayOf('int'), mapOf('int'), [typeMismatch('/')]),
  row('complex: string reader, enum writer (no enum→string promotion)', 'string', enumOf('E', ['A']), [
    typeMismatch('/'),
  ]),
  row('complex: enum reader, string writer', enumOf('E', ['A']), 'string', [typeMismatch('/')]),
  row('complex: bytes reader, fixed writer (no fixed→bytes promotion)', 'bytes', fixed('F', 4), [
    typeMismatch('/'),
  ]),
  row('complex: fixed reader, bytes writer', fixed('F', 4), 'bytes', [typeMismatch('/')]),
  row('complex: record reader, map writer', record('R', []), mapOf('string'), [typeMismatch('/')]),
  row('complex: map reader, record writer', mapOf('string'), record('R', []), [typeMismatch('/')]),
  row('complex: null reader, record writer', 'null', record('R', []), [typeMismatch('/')]),
  row('complex: record reader, enum writer of the same name', record('Same', []), enumOf('Same', ['A']), [
    typeMismatch('/'),
  ]),
  row('complex: enum reader, fixed writer of the same name', enumOf('Same', ['A']), fixed('Same', 1), [
    typeMismatch('/'),
  ]),
  row(
    'complex: field changed from int to an array of int',
    record('R', [field('a', arrayOf('int'))]),
    record('R', [field('a', 'int')]),
    [typeMismatch('/fields/0/type')],
  ),
];

export const primitiveCases: readonly CompatibilityCase[] = [
  ...primitiveMatrix,
  ...primitiveObjectForms,
  ...primitiveVersusComplex,
];
