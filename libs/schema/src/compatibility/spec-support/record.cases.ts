/**
 * Records and their fields. From the specification: records match when their (unqualified)
 * names match or a reader alias names the writer; fields match by name (or a reader field
 * alias) and resolve recursively; writer fields the reader lacks are ignored; a reader field
 * the writer lacks takes its default, and without one it is an error.
 */
import {
  arrayOf,
  COMPATIBLE,
  enumOf,
  field,
  missingDefault,
  nameMismatch,
  record,
  row,
  typeMismatch,
  type CompatibilityCase,
} from './compatibility-case';

const payment = record('Payment', [field('id', 'string'), field('amount', 'long')]);

const fieldCases: CompatibilityCase[] = [
  row('record: identical', payment, payment, COMPATIBLE),
  row('record: empty reader reads any writer record of its name', record('Payment', []), payment, COMPATIBLE),
  row(
    'record: reader adds a field with a default',
    record('Payment', [
      field('id', 'string'),
      field('amount', 'long'),
      field('currency', 'string', { default: 'EUR' }),
    ]),
    payment,
    COMPATIBLE,
  ),
  row(
    'record: reader adds a field without a default',
    record('Payment', [field('id', 'string'), field('amount', 'long'), field('currency', 'string')]),
    payment,
    [missingDefault('/fields/2')],
  ),
  row(
    'record: reader adds an optional field with a null default',
    record('Payment', [field('id', 'string'), field('note', ['null', 'string'], { default: null })]),
    payment,
    COMPATIBLE,
  ),
  row(
    'record: reader adds an optional field without a default',
    record('Payment', [field('id', 'string'), field('note', ['null', 'string'])]),
    payment,
    [missingDefault('/fields/1')],
  ),
  row(
    'record: reader adds a record-typed field with a default',
    record('Payment', [
      field('id', 'string'),
      field('meta', record('Meta', [field('v', 'int')]), { default: { v: 1 } }),
    ]),
    payment,
    COMPATIBLE,
  ),
  row(
    'record: reader adds an array field with an empty default',
    record('Payment', [field('id', 'string'), field('tags', arrayOf('string'), { default: [] })]),
    payment,
    COMPATIBLE,
  ),
  row('record: reader drops a writer field', record('Payment', [field('id', 'string')]), payment, COMPATIBLE),
  row(
    'record: writer adds a field of a type the reader could not read (ignored)',
    payment,
    record('Payment', [field('id', 'string'), field('amount', 'long'), field('blob', arrayOf('bytes'))]),
    COMPATIBLE,
  ),
  row(
    'record: fields reordered',
    record('Payment', [field('amount', 'long'), field('id', 'string')]),
    payment,
    COMPATIBLE,
  ),
  row(
    'record: field widened from int to long',
    payment,
    record('Payment', [field('id', 'string'), field('amount', 'int')]),
    COMPATIBLE,
  ),
  row(
    'record: field narrowed from long to int',
    record('Payment', [field('id', 'string'), field('amount', 'int')]),
    payment,
    [typeMismatch('/fields/1/type')],
  ),
  row(
    'record: a reader default does not rescue a field the writer writes with another type',
    record('Payment', [field('id', 'string'), field('amount', 'string', { default: '0' })]),
    payment,
    [typeMismatch('/fields/1/type')],
  ),
  row(
    'record: two reader fields missing defaults are both reported',
    record('Payment', [field('id', 'string'), field('currency', 'string'), field('payer', 'string')]),
    payment,
    [missingDefault('/fields/1'), missingDefault('/fields/2')],
  ),
  row(
    'record: an enum default does not replace a missing field default',
    record('Payment', [
      field('id', 'string'),
      field('status', enumOf('Status', ['NEW', 'DONE'], { default: 'NEW' })),
    ]),
    payment,
    [missingDefault('/fields/1')],
  ),
];

const fieldAliasCases: CompatibilityCase[] = [
  row(
    'field alias: reader field renamed, alias names the writer field',
    record('Payment', [field('paymentId', 'string', { aliases: ['id'] }), field('amount', 'long')]),
    payment,
    COMPATIBLE,
  ),
  row(
    'field alias: reader field renamed without an alias',
    record('Payment', [field('paymentId', 'string'), field('amount', 'long')]),
    payment,
    [missingDefault('/fields/0')],
  ),
  row(
    'field alias: only the writer field has the alias (writer aliases are not used)',
    record('Payment', [field('paymentId', 'string'), field('amount', 'long')]),
    record('Payment', [field('id', 'string', { aliases: ['paymentId'] }), field('amount', 'long')]),
    [missingDefault('/fields/0')],
  ),
  row(
    'field alias: aliased field still resolves its type',
    record('Payment', [field('paymentId', 'int', { aliases: ['id'] }), field('amount', 'long')]),
    payment,
    [typeMismatch('/fields/0/type')],
  ),
  row(
    'field alias: name and alias match two writer fields (ambiguous)',
    record('Payment', [field('id', 'string', { aliases: ['legacyId'] })]),
    record('Payment', [field('id', 'string'), field('legacyId', 'string')]),
    [nameMismatch('/fields/0')],
  ),
  row(
    'field alias: an alias repeating the field name is not ambiguous',
    record('Payment', [field('id', 'string', { aliases: ['id'] }), field('amount', 'long')]),
    payment,
    COMPATIBLE,
  ),
];

const recordNameCases: CompatibilityCase[] = [
  row('record name: renamed without alias', record('Refund', []), record('Payment', []), [
    nameMismatch('/name'),
  ]),
  row(
    'record name: renamed with a reader alias',
    record('Refund', [], { aliases: ['Payment'] }),
    record('Payment', []),
    COMPATIBLE,
  ),
  row(
    'record name: only the writer has the alias',
    record('Refund', []),
    record('Payment', [], { aliases: ['Refund'] }),
    [nameMismatch('/name')],
  ),
  row(
    'record name: mismatch is reported together with field problems',
    record('Refund', [field('id', 'int')]),
    record('Payment', [field('id', 'string')]),
    [nameMismatch('/name'), typeMismatch('/fields/0/type')],
  ),
  row(
    'record name: "error" reads "record" of the same name',
    { type: 'error', name: 'Failure', fields: [field('code', 'int')] },
    record('Failure', [field('code', 'int')]),
    COMPATIBLE,
  ),
];

export const recordCases: readonly CompatibilityCase[] = [
  ...fieldCases,
  ...fieldAliasCases,
  ...recordNameCases,
];
