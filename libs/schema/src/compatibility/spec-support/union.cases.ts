/**
 * Unions on either side. From the specification: if both are unions, the first reader branch
 * that matches the writer's branch is used, and an unmatched writer branch is an error; if only
 * the reader is a union, the writer must match one of its branches; if only the writer is, each
 * of its branches must match the reader. Java reports a writer branch that no reader branch
 * reads at the reader union's location plus the writer branch index.
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
  row('writer union: null branch unreadable', 'string', ['null', 'string'], [typeMismatch('/')]),
  row(
    'writer union: two unreadable branches are both reported',
    'int',
    ['null', 'string', 'int'],
    [typeMismatch('/'), typeMismatch('/')],
  ),
  row(
    'writer union: field made required (optional writer, required reader)',
    record('R', [field('f', 'string')]),
    record('R', [field('f', ['null', 'string'])]),
    [typeMismatch('/fields/0/type')],
  ),
  row(
    'writer union: reader record against a writer union containing it',
    record('A', [field('x', 'int')]),
    ['null', record('A', [field('x', 'int')])],
    [typeMismatch('/')],
  ),
  row(
    'writer union: problems inside a branch are reported at the reader location',
    record('A', [field('x', 'int'), field('y', 'int')]),
    [record('A', [field('x', 'int')])],
    [{ type: 'READER_FIELD_MISSING_DEFAULT_VALUE', path: '/fields/1' }],
  ),
  row('writer union: in array items', arrayOf('long'), arrayOf(['int', 'long']), COMPATIBLE),
  row('writer union: in array items with a null branch', arrayOf('long'), arrayOf(['null', 'long']), [
    typeMismatch('/items'),
  ]),
];

export const unionCases: readonly CompatibilityCase[] = [
  ...bothUnions,
  ...readerUnionOnly,
  ...writerUnionOnly,
];
