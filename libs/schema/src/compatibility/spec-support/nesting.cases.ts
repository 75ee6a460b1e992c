/**
 * The same rules one level down: each base pair below is repeated inside a record field, array
 * items, map values and a union branch. Resolution is recursive, so the verdict must not change;
 * the location gains the container's prefix, except in a union, where Java reports the whole
 * writer branch as unmatched (at the reader union plus the writer branch index).
 */
import type { AvroSchemaJson } from '..';
import {
  arrayOf,
  COMPATIBLE,
  enumOf,
  field,
  fixed,
  mapOf,
  missingBranch,
  missingDefault,
  missingSymbols,
  nameMismatch,
  record,
  row,
  sizeMismatch,
  typeMismatch,
  type CompatibilityCase,
  type ExpectedIncompatibility,
} from './compatibility-case';

const basePairs: readonly CompatibilityCase[] = [
  row('int reads long', 'int', 'long', [typeMismatch('/')]),
  row('long reads int', 'long', 'int', COMPATIBLE),
  row('double reads float', 'double', 'float', COMPATIBLE),
  row('float reads double', 'float', 'double', [typeMismatch('/')]),
  row('bytes reads string', 'bytes', 'string', COMPATIBLE),
  row('boolean reads string', 'boolean', 'string', [typeMismatch('/')]),
  row('enum lacking a symbol', enumOf('E', ['A']), enumOf('E', ['A', 'B']), [missingSymbols('/symbols')]),
  row('enum with a default', enumOf('E', ['A', 'Z'], { default: 'Z' }), enumOf('E', ['A', 'B']), COMPATIBLE),
  row('fixed resized', fixed('F', 2), fixed('F', 3), [sizeMismatch('/size')]),
  row('record renamed', record('R2', []), record('R', []), [nameMismatch('/name')]),
  row('record renamed with alias', record('R2', [], { aliases: ['R'] }), record('R', []), COMPATIBLE),
  row('record field missing default', record('R', [field('x', 'int')]), record('R', []), [
    missingDefault('/fields/0'),
  ]),
];

interface Nesting {
  readonly label: string;
  readonly wrap: (schema: AvroSchemaJson) => AvroSchemaJson;
  /** Where a base incompatibility is reported once nested; a union reports one per branch. */
  readonly relocate: (expected: readonly ExpectedIncompatibility[]) => readonly ExpectedIncompatibility[];
}

const under =
  (prefix: string) =>
  (expected: readonly ExpectedIncompatibility[]): readonly ExpectedIncompatibility[] =>
    expected.map(({ type, path }) => ({ type, path: path === '/' ? prefix : `${prefix}${path}` }));

const NESTINGS: readonly Nesting[] = [
  {
    label: 'in a record field',
    wrap: (schema) => record('Envelope', [field('value', schema)]),
    relocate: under('/fields/0/type'),
  },
  { label: 'in array items', wrap: arrayOf, relocate: under('/items') },
  { label: 'in map values', wrap: mapOf, relocate: under('/values') },
  {
    label: 'in a union branch',
    wrap: (schema) => ['null', schema],
    relocate: (expected) => (expected.length === 0 ? COMPATIBLE : [missingBranch('/1')]),
  },
];

export const nestingCases: readonly CompatibilityCase[] = [
  ...basePairs.map((base) => row(`base: ${base.name}`, base.reader, base.writer, base.expected)),
  ...NESTINGS.flatMap((nesting) =>
    basePairs.map((base) =>
      row(
        `nested ${nesting.label}: ${base.name}`,
        nesting.wrap(base.reader),
        nesting.wrap(base.writer),
        nesting.relocate(base.expected),
      ),
    ),
  ),
];
