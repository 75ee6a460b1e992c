/**
 * Unions on either side. From the specification: if both are unions, the first reader branch
 * that matches the writer's branch is used, and an unmatched writer branch is an error; if only
 * the reader is a union, the writer must match one of its branches; if only the writer is, each
 * of its branches must match the reader. Wherever a writer union is taken apart, Java's location
 * is the reader's location plus the writer branch index. An empty union (Java accepts `[]`, avsc
 * does not) writes nothing, so any reader reads it; as a reader, it reads nothing.
 */
import {
  arrayOf,
  COMPATIBLE,
  enumOf,
  field,
  fixed,
  mapOf,
  missingBranch,
  record,
  row,
  typeMismatch,
  type CompatibilityCase,
} from './compatibility-case';

const bothUnions: CompatibilityCase[] = [
  row('union: identical', ['null', 'string'], ['null', 'string'], COMPATIBLE),
  row('union: reader adds a branch', ['null', 'int', 'string'], ['null', 'int'], COMPATIBLE),
  row(
    'union: reader drops a writer branch',
    ['null', 'int'],
    ['null', 'int', 'string'],
    [missingBranch('/2')],
  ),
  row(
    'union: reader drops two writer branches',
    ['null'],
    ['null', 'int', 'string'],
    [missingBranch('/1'), missingBranch('/2')],
  ),
  row('union: branches reordered', ['string', 'null'], ['null', 'string'], COMPATIBLE),
  row('union: branch widened int to long', ['null', 'long'], ['null', 'int'], COMPATIBLE),
  row('union: branch narrowed long to int', ['null', 'int'], ['null', 'long'], [missingBranch('/1')]),
  row('union: string branch reads bytes branch', ['null', 'string'], ['null', 'bytes'], COMPATIBLE),
  row(
    'union: record branch gains a compatible field',
    ['null', record('A', [field('x', 'int'), field('y', 'int', { default: 0 })])],
    ['null', record('A', [field('x', 'int')])],
    COMPATIBLE,
  ),
  row(
    'union: record branch gains a field without default (branch unmatched)',
    ['null', record('A', [field('x', 'int'), field('y', 'int')])],
    ['null', record('A', [field('x', 'int')])],
    [missingBranch('/1')],
  ),
  row(
    'union: enum branch lacks a writer symbol',
    ['null', enumOf('E', ['X'])],
    ['null', enumOf('E', ['X', 'Y'])],
    [missingBranch('/1')],
  ),
  row(
    'union: array branch with promoted items',
    ['null', arrayOf('long')],
    ['null', arrayOf('int')],
    COMPATIBLE,
  ),
  row(
    'union: map branch cannot read array branch',
    ['null', mapOf('int')],
    ['null', arrayOf('int')],
    [missingBranch('/1')],
  ),
  row('union: fixed branch resized', ['null', fixed('F', 4)], ['null', fixed('F', 8)], [missingBranch('/1')]),
  row(
    'union: writer record branch read by a renamed reader branch through its alias',
    ['null', record('B', [], { aliases: ['A'] })],
    ['null', record('A', [])],
    COMPATIBLE,
  ),
];

const readerUnionOnly: CompatibilityCase[] = [
  row('reader union: writer type is a branch', ['null', 'string'], 'string', COMPATIBLE),
  row('reader union: writer type promotes to a branch', ['null', 'double'], 'int', COMPATIBLE),
  row('reader union: string branch reads bytes', ['null', 'string'], 'bytes', COMPATIBLE),
  row('reader union: no branch reads the writer type', ['null', 'string'], 'int', [missingBranch('/')]),
  row('reader union: single branch', ['int'], 'int', COMPATIBLE),
  row(
    'reader union: writer record matches the second record branch by name',
    [record('A', [field('a', 'int')]), record('B', [field('b', 'int')])],
    record('B', [field('b', 'int')]),
    COMPATIBLE,
  ),
  row(
    'reader union: field made optional',
    record('R', [field('f', ['null', 'string'], { default: null })]),
    record('R', [field('f', 'string')]),
    COMPATIBLE,
  ),
  row(
    'reader union: record branch incompatible with the writer record',
    ['null', record('A', [field('x', 'string')])],
    record('A', [field('x', 'int')]),
    [missingBranch('/')],
  ),
];

const writerUnionOnly: CompatibilityCase[] = [
  row('writer union: every branch promotes to the reader', 'long', ['int', 'long'], COMPATIBLE),
  row('writer union: single branch', 'int', ['int'], COMPATIBLE),
  row('writer union: null branch unreadable', 'string', ['null', 'string'], [typeMismatch('/0')]),
  row(
    'writer union: two unreadable branches are both reported',
    'int',
    ['null', 'string', 'int'],
    [typeMismatch('/0'), typeMismatch('/1')],
  ),
  row(
    'writer union: field made required (optional writer, required reader)',
    record('R', [field('f', 'string')]),
    record('R', [field('f', ['null', 'string'])]),
    [typeMismatch('/fields/0/type/0')],
  ),
  row(
    'writer union: reader record against a writer union containing it',
    record('A', [field('x', 'int')]),
    ['null', record('A', [field('x', 'int')])],
    [typeMismatch('/0')],
  ),
  row(
    'writer union: problems inside a branch are reported under the branch index',
    record('A', [field('x', 'int'), field('y', 'int')]),
    [record('A', [field('x', 'int')])],
    [{ type: 'READER_FIELD_MISSING_DEFAULT_VALUE', path: '/0/fields/1' }],
  ),
  row('writer union: in array items', arrayOf('long'), arrayOf(['int', 'long']), COMPATIBLE),
  row('writer union: in array items with a null branch', arrayOf('long'), arrayOf(['null', 'long']), [
    typeMismatch('/items/0'),
  ]),
  row(
    'writer union: unreadable branches inside a nested record field',
    record('O', [field('i', record('I', [field('v', 'long')]))]),
    record('O', [field('i', record('I', [field('v', ['string', 'int', 'null'])]))]),
    [typeMismatch('/fields/0/type/fields/0/type/0'), typeMismatch('/fields/0/type/fields/0/type/2')],
  ),
];

const AVSC_REFUSES_EMPTY_UNIONS = 'avsc refuses the empty union [] that the specification and Java accept';

const emptyUnions: CompatibilityCase[] = [
  row('empty union: written, read as a primitive', 'int', [], COMPATIBLE, AVSC_REFUSES_EMPTY_UNIONS),
  row('empty union: written, read as a union', ['null', 'int'], [], COMPATIBLE, AVSC_REFUSES_EMPTY_UNIONS),
  row('empty union: written and read', [], [], COMPATIBLE, AVSC_REFUSES_EMPTY_UNIONS),
  row(
    'empty union: written in a field, read as a record',
    record('R', [field('f', record('S', [field('x', 'int')]))]),
    record('R', [field('f', [])]),
    COMPATIBLE,
    AVSC_REFUSES_EMPTY_UNIONS,
  ),
  row('empty union: as the reader of a primitive', [], 'int', [missingBranch('/')]),
  row(
    'empty union: as the reader of a union',
    [],
    ['null', 'int'],
    [missingBranch('/0'), missingBranch('/1')],
  ),
  row('empty union: as the reader of array items', arrayOf([]), arrayOf('string'), [missingBranch('/items')]),
];

export const unionCases: readonly CompatibilityCase[] = [
  ...bothUnions,
  ...readerUnionOnly,
  ...writerUnionOnly,
  ...emptyUnions,
];
