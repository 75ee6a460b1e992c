/**
 * Logical types, recursive types, named references and several problems at once. Logical
 * types resolve through their underlying types (resolution ignores `logicalType`); a named type
 * may refer to itself or be referred to by name later in the schema; and the checker reports
 * every problem, not only the first.
 */
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
} from './compatibility-case';

const timestampMillis = { type: 'long', logicalType: 'timestamp-millis' };

const logicalCases: CompatibilityCase[] = [
  row('logical: timestamp-millis reads plain long', timestampMillis, 'long', COMPATIBLE),
  row('logical: plain long reads timestamp-millis', 'long', timestampMillis, COMPATIBLE),
  row(
    'logical: timestamp-micros reads timestamp-millis',
    { type: 'long', logicalType: 'timestamp-micros' },
    timestampMillis,
    COMPATIBLE,
  ),
  row(
    'logical: timestamp-millis reads date (int promotes to long)',
    timestampMillis,
    { type: 'int', logicalType: 'date' },
    COMPATIBLE,
  ),
  row('logical: date cannot read long', { type: 'int', logicalType: 'date' }, 'long', [typeMismatch('/')]),
  row('logical: uuid string reads bytes', { type: 'string', logicalType: 'uuid' }, 'bytes', COMPATIBLE),
  row(
    'logical: decimal precision change over bytes is ignored',
    { type: 'bytes', logicalType: 'decimal', precision: 10, scale: 2 },
    { type: 'bytes', logicalType: 'decimal', precision: 12, scale: 2 },
    COMPATIBLE,
  ),
  row(
    'logical: decimal over bytes cannot read decimal over fixed',
    { type: 'bytes', logicalType: 'decimal', precision: 4, scale: 2 },
    { ...fixed('Dec', 8), logicalType: 'decimal', precision: 4, scale: 2 },
    [typeMismatch('/')],
  ),
  row(
    'logical: decimal over fixed resolves as the fixed (size checked)',
    { ...fixed('Dec', 8), logicalType: 'decimal', precision: 4, scale: 2 },
    { ...fixed('Dec', 16), logicalType: 'decimal', precision: 4, scale: 2 },
    [sizeMismatch('/size')],
  ),
  row(
    'logical: unknown logical type resolves as its base type',
    { type: 'string', logicalType: 'x-color' },
    'string',
    COMPATIBLE,
  ),
  row(
    'logical: timestamp field read from an int field',
    record('E', [field('at', timestampMillis)]),
    record('E', [field('at', 'int')]),
    COMPATIBLE,
  ),
  row(
    'logical: local-timestamp-millis cannot read double',
    { type: 'long', logicalType: 'local-timestamp-millis' },
    'double',
    [typeMismatch('/')],
  ),
];

const longList = (value: string, extra: readonly ReturnType<typeof field>[] = []) =>
  record('LongList', [field('value', value), field('next', ['null', 'LongList']), ...extra]);

const tree = (children: 'array' | 'map') =>
  record('Tree', [
    field('value', 'int'),
    field('children', children === 'array' ? arrayOf('Tree') : mapOf('Tree')),
  ]);

const recursiveCases: CompatibilityCase[] = [
  row('recursive: identical linked lists', longList('long'), longList('long'), COMPATIBLE),
  row('recursive: linked list value widened', longList('long'), longList('int'), COMPATIBLE),
  row('recursive: linked list value narrowed', longList('int'), longList('long'), [
    typeMismatch('/fields/0/type'),
  ]),
  row(
    'recursive: linked list gains a field with a default',
    longList('long', [field('label', 'string', { default: '' })]),
    longList('long'),
    COMPATIBLE,
  ),
  row(
    'recursive: linked list gains a field without default (reported once)',
    longList('long', [field('label', 'string')]),
    longList('long'),
    [missingDefault('/fields/2')],
  ),
  row(
    'recursive: reader list reads a writer that never links',
    longList('long'),
    record('LongList', [field('value', 'long'), field('next', 'null')]),
    COMPATIBLE,
  ),
  row('recursive: tree of arrays', tree('array'), tree('array'), COMPATIBLE),
  row('recursive: tree children changed from array to map', tree('map'), tree('array'), [
    typeMismatch('/fields/1/type'),
  ]),
  row(
    'recursive: mutually recursive records',
    record('A', [field('b', ['null', record('B', [field('a', ['null', 'A']), field('n', 'long')])])]),
    record('A', [field('b', ['null', record('B', [field('a', ['null', 'A']), field('n', 'int')])])]),
    COMPATIBLE,
  ),
  row(
    'recursive: mutually recursive records with a narrowed field deep inside',
    record('A', [field('b', ['null', record('B', [field('a', ['null', 'A']), field('n', 'int')])])]),
    record('A', [field('b', ['null', record('B', [field('a', ['null', 'A']), field('n', 'long')])])]),
    [missingBranch('/fields/0/type/1')],
  ),
  row(
    'recursive: a problem of the outer record is not echoed by the union that recurses into it',
    record('A', [field('x', 'int'), field('b', ['null', record('B', [field('a', ['null', 'A'])])])]),
    record('A', [field('x', 'long'), field('b', ['null', record('B', [field('a', ['null', 'A'])])])]),
    [typeMismatch('/fields/0/type')],
  ),
  row(
    'recursive: renamed recursive record with an alias',
    record('Node', [field('next', ['null', 'Node'])], { aliases: ['LongList'] }),
    record('LongList', [field('next', ['null', 'LongList'])]),
    COMPATIBLE,
  ),
];

const money = (amount: string) => record('Money', [field('currency', 'string'), field('amount', amount)]);

const referenceCases: CompatibilityCase[] = [
  row(
    'reference: a reused named type is checked at every use',
    record('Order', [field('total', money('int')), field('tax', 'Money')]),
    record('Order', [field('total', money('long')), field('tax', 'Money')]),
    [typeMismatch('/fields/0/type/fields/1/type'), typeMismatch('/fields/1/type/fields/1/type')],
  ),
  row(
    'reference: namespaced reference resolved in the enclosing namespace',
    record('Doc', [field('a', fixed('Hash', 4)), field('b', 'Hash')], { namespace: 'com.acme' }),
    record('Doc', [field('a', fixed('Hash', 4)), field('b', 'com.acme.Hash')], { namespace: 'com.acme' }),
    COMPATIBLE,
  ),
  row(
    'reference: full-name reference to a type in another namespace',
    record('Doc', [field('a', record('other.Inner', [field('x', 'int')])), field('b', 'other.Inner')], {
      namespace: 'a',
    }),
    record('Doc', [field('a', record('other.Inner', [field('x', 'long')])), field('b', 'other.Inner')], {
      namespace: 'a',
    }),
    [typeMismatch('/fields/0/type/fields/0/type'), typeMismatch('/fields/1/type/fields/0/type')],
  ),
  row(
    'reference: referring to an enum inside an array',
    record('R', [field('s', enumOf('S', ['A'])), field('all', arrayOf('S'))]),
    record('R', [field('s', enumOf('S', ['A', 'B'])), field('all', arrayOf('S'))]),
    [missingSymbols('/fields/0/type/symbols'), missingSymbols('/fields/1/type/items/symbols')],
  ),
];

const multipleCases: CompatibilityCase[] = [
  row(
    'multiple: one problem of each kind in one record',
    record('Big', [
      field('a', 'int'),
      field('b', 'string'),
      field('c', enumOf('C', ['X'])),
      field('d', fixed('D', 2)),
      field('e', ['null', 'int']),
      field('f', fixed('F', 1)),
    ]),
    record('Big', [
      field('a', 'long'),
      field('c', enumOf('C', ['X', 'Y'])),
      field('d', fixed('D', 4)),
      field('e', ['null', 'int', 'string']),
      field('f', fixed('G', 1)),
    ]),
    [
      typeMismatch('/fields/0/type'),
      missingDefault('/fields/1'),
      missingSymbols('/fields/2/type/symbols'),
      sizeMismatch('/fields/3/type/size'),
      missingBranch('/fields/4/type/2'),
      nameMismatch('/fields/5/type/name'),
    ],
  ),
  row(
    'multiple: record renamed and a nested fixed renamed',
    record('Outer2', [field('h', fixed('H2', 4))]),
    record('Outer', [field('h', fixed('H', 4))]),
    [nameMismatch('/name'), nameMismatch('/fields/0/type/name')],
  ),
  row(
    'multiple: two problems inside array items',
    arrayOf(record('Item', [field('q', 'int'), field('p', 'string'), field('r', 'string')])),
    arrayOf(record('Item', [field('q', 'long'), field('p', 'string')])),
    [typeMismatch('/items/fields/0/type'), missingDefault('/items/fields/2')],
  ),
];

export const structureCases: readonly CompatibilityCase[] = [
  ...logicalCases,
  ...recursiveCases,
  ...referenceCases,
  ...multipleCases,
];
