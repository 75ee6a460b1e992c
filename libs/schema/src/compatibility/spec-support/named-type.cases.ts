/**
 * Enums, fixed types, and how names, namespaces and aliases of named types match. From the
 * specification: enums match by name; a writer symbol missing from the reader is an error
 * unless the reader enum has a default; fixed types match by name and size. Names compare
 * unqualified (Java's `schemaNameEquals`); a reader alias must name the writer's full name.
 */
import {
  arrayOf,
  COMPATIBLE,
  enumOf,
  field,
  fixed,
  missingSymbols,
  nameMismatch,
  record,
  row,
  sizeMismatch,
  type CompatibilityCase,
} from './compatibility-case';

const AVSC_STRICT_NAMESPACES =
  'avsc matches names by full name; Java and the specification compare unqualified names';

const status = enumOf('Status', ['NEW', 'PAID', 'REFUNDED']);

const enumCases: CompatibilityCase[] = [
  row('enum: identical', status, status, COMPATIBLE),
  row(
    'enum: reader adds a symbol',
    enumOf('Status', ['NEW', 'PAID', 'REFUNDED', 'VOID']),
    status,
    COMPATIBLE,
  ),
  row('enum: reader lacks a writer symbol', enumOf('Status', ['NEW', 'PAID']), status, [
    missingSymbols('/symbols'),
  ]),
  row('enum: reader lacks two writer symbols (one report)', enumOf('Status', ['NEW']), status, [
    missingSymbols('/symbols'),
  ]),
  row(
    'enum: reader lacks a writer symbol but has a default',
    enumOf('Status', ['NEW', 'PAID', 'UNKNOWN'], { default: 'UNKNOWN' }),
    status,
    COMPATIBLE,
  ),
  row(
    "enum: the writer's default does not help the reader",
    enumOf('Status', ['NEW', 'PAID']),
    enumOf('Status', ['NEW', 'PAID', 'REFUNDED'], { default: 'NEW' }),
    [missingSymbols('/symbols')],
  ),
  row('enum: symbols reordered', enumOf('Status', ['REFUNDED', 'PAID', 'NEW']), status, COMPATIBLE),
  row('enum: renamed without alias', enumOf('State', ['NEW', 'PAID', 'REFUNDED']), status, [
    nameMismatch('/name'),
  ]),
  row(
    'enum: renamed with a reader alias',
    enumOf('State', ['NEW', 'PAID', 'REFUNDED'], { aliases: ['Status'] }),
    status,
    COMPATIBLE,
  ),
  row('enum: renamed and lacking a symbol (both reported)', enumOf('State', ['NEW']), status, [
    nameMismatch('/name'),
    missingSymbols('/symbols'),
  ]),
  row(
    'enum: in a record field, reader lacks a symbol',
    record('Payment', [field('status', enumOf('Status', ['NEW', 'PAID']))]),
    record('Payment', [field('status', status)]),
    [missingSymbols('/fields/0/type/symbols')],
  ),
  row(
    'enum: in an array, reader lacks a symbol but has a default',
    arrayOf(enumOf('Status', ['NEW', 'OTHER'], { default: 'OTHER' })),
    arrayOf(status),
    COMPATIBLE,
  ),
];

const fixedCases: CompatibilityCase[] = [
  row('fixed: identical', fixed('Hash', 32), fixed('Hash', 32), COMPATIBLE),
  row('fixed: size changed', fixed('Hash', 16), fixed('Hash', 32), [sizeMismatch('/size')]),
  row('fixed: size grown', fixed('Hash', 64), fixed('Hash', 32), [sizeMismatch('/size')]),
  row('fixed: renamed', fixed('Digest', 32), fixed('Hash', 32), [nameMismatch('/name')]),
  row('fixed: renamed and resized (both reported)', fixed('Digest', 16), fixed('Hash', 32), [
    nameMismatch('/name'),
    sizeMismatch('/size'),
  ]),
  row(
    'fixed: renamed with a reader alias',
    fixed('Digest', 32, { aliases: ['Hash'] }),
    fixed('Hash', 32),
    COMPATIBLE,
  ),
  row(
    'fixed: in a record field, size changed',
    record('Doc', [field('hash', fixed('Hash', 16))]),
    record('Doc', [field('hash', fixed('Hash', 32))]),
    [sizeMismatch('/fields/0/type/size')],
  ),
];

const namespaceCases: CompatibilityCase[] = [
  row(
    'namespace: same record name in different namespaces',
    record('Payment', [], { namespace: 'billing.v2' }),
    record('Payment', [], { namespace: 'billing.v1' }),
    COMPATIBLE,
    AVSC_STRICT_NAMESPACES,
  ),
  row(
    'namespace: enum in different namespaces',
    enumOf('Status', ['A'], { namespace: 'a' }),
    enumOf('Status', ['A'], { namespace: 'b' }),
    COMPATIBLE,
    AVSC_STRICT_NAMESPACES,
  ),
  row(
    'namespace: fixed in different namespaces',
    fixed('Hash', 4, { namespace: 'a' }),
    fixed('Hash', 4, { namespace: 'b' }),
    COMPATIBLE,
    AVSC_STRICT_NAMESPACES,
  ),
  row(
    'namespace: dotted name equals name plus namespace',
    record('com.acme.Payment', []),
    record('Payment', [], { namespace: 'com.acme' }),
    COMPATIBLE,
  ),
  row(
    'namespace: different short names still mismatch across namespaces',
    record('Refund', [], { namespace: 'a' }),
    record('Payment', [], { namespace: 'b' }),
    [nameMismatch('/name')],
  ),
  row(
    'namespace: nested type inherits its record namespace (unqualified match)',
    record('Outer', [field('inner', record('Inner', [field('x', 'int')]))], { namespace: 'a' }),
    record('Outer', [field('inner', record('Inner', [field('x', 'int')], { namespace: 'b' }))], {
      namespace: 'a',
    }),
    COMPATIBLE,
    AVSC_STRICT_NAMESPACES,
  ),
  row(
    'alias: unqualified alias in the reader namespace names the writer',
    record('Refund', [], { namespace: 'a', aliases: ['Payment'] }),
    record('Payment', [], { namespace: 'a' }),
    COMPATIBLE,
  ),
  row(
    'alias: fully qualified alias names a writer in another namespace',
    record('Refund', [], { namespace: 'a', aliases: ['b.Payment'] }),
    record('Payment', [], { namespace: 'b' }),
    COMPATIBLE,
  ),
  row(
    'alias: unqualified alias is qualified with the reader namespace, so a writer elsewhere mismatches',
    record('Refund', [], { namespace: 'a', aliases: ['Payment'] }),
    record('Payment', [], { namespace: 'b' }),
    [nameMismatch('/name')],
  ),
  row(
    'alias: nested enum alias takes the enclosing record namespace',
    record('Outer', [field('s', enumOf('State', ['A'], { aliases: ['Status'] }))], { namespace: 'a' }),
    record('Outer', [field('s', enumOf('Status', ['A']))], { namespace: 'a' }),
    COMPATIBLE,
  ),
];

export const namedTypeCases: readonly CompatibilityCase[] = [...enumCases, ...fixedCases, ...namespaceCases];
