/**
 * Values at the edges of Herald's JSON mapping (docs/json-avro-mapping.md) for a delivery body:
 * one schema with string, bytes, fixed, decimal, map, long, double and union fields, and events
 * written in the mapping's output form. The consumer issue's corpus lives with the audit's tests
 * (apps/audit/test/edge-value-corpus.ts), which an app's tests may not import (apps never import
 * apps); this one keeps its values (U+0000, noncharacters, astral code points, int64 limits as
 * strings, ±2^53, every byte value, odd map keys) in the shape of a webhook subscriber's event.
 */
import { JsonAvroMapping, type AvroSchemaJson } from '@app/schema';

export const EDGE_SCHEMA: AvroSchemaJson = {
  type: 'record',
  name: 'EdgeValues',
  namespace: 'test.webhooks',
  doc: 'Values at the edges of what the JSON mapping carries.',
  fields: [
    { name: 'edge_key', type: 'string', doc: 'The partition key.' },
    { name: 'tenant', type: 'string', doc: 'The tenant.' },
    { name: 'text', type: 'string' },
    { name: 'texts', type: { type: 'array', items: 'string' } },
    { name: 'long_value', type: 'long' },
    { name: 'longs', type: { type: 'array', items: 'long' } },
    { name: 'int_value', type: 'int' },
    { name: 'doubles', type: { type: 'array', items: 'double' } },
    { name: 'bytes_value', type: 'bytes' },
    { name: 'fixed_value', type: { type: 'fixed', name: 'Fixed16', size: 16 } },
    { name: 'decimal_bytes', type: { type: 'bytes', logicalType: 'decimal', precision: 38, scale: 4 } },
    {
      name: 'decimal_fixed',
      type: { type: 'fixed', name: 'Decimal12', size: 12, logicalType: 'decimal', precision: 28, scale: 2 },
    },
    { name: 'map_value', type: { type: 'map', values: 'string' } },
    { name: 'map_of_longs', type: { type: 'map', values: 'long' } },
    { name: 'choice', type: ['null', 'long', 'string'] },
    { name: 'micros', type: { type: 'long', logicalType: 'timestamp-micros' } },
  ],
};

export const edgeMapping = (): JsonAvroMapping => JsonAvroMapping.compile(EDGE_SCHEMA);

/** Every byte value 0x00–0xff, in order. */
const EVERY_BYTE = Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString('base64');

/** Unicode at the edges: U+0000 and the other C0/C1 controls, noncharacters, astral planes, separators. */
const ODD_TEXT =
  'nul\u0000|\u0001\u001f\u007f\u0080\u009f|\ufffe\uffff|\ud800\udc00\u{1f600}\u{10ffff}|\u2028\u2029|' +
  '"quote\\backslash/|\u00e9e\u0301|\ufeff|\ud7ff\ue000';

const base = (name: string): Record<string, unknown> => ({
  edge_key: `edge-${name}`,
  tenant: 'merchant-7',
  text: name,
  texts: [],
  long_value: 0,
  longs: [],
  int_value: 0,
  doubles: [],
  bytes_value: '',
  fixed_value: Buffer.alloc(16).toString('base64'),
  decimal_bytes: '0.0000',
  decimal_fixed: '0.00',
  map_value: {},
  map_of_longs: {},
  choice: null,
  micros: '2026-01-01T00:00:00.000000Z',
});

export interface EdgeEvent {
  readonly name: string;
  /** The event's data in the JSON mapping's output form. */
  readonly data: Record<string, unknown>;
}

/** A string of `bytes` bytes of UTF-8 mixing 1-, 2-, 3- and 4-byte characters and U+0000. */
function largeText(bytes: number): string {
  const unit = 'a\u0000\u00e9\u20ac\u{1f600}'; // 1 + 1 + 2 + 3 + 4 = 11 bytes
  return unit.repeat(Math.floor(bytes / 11)) + 'z'.repeat(bytes % 11);
}

export function edgeCorpus(): EdgeEvent[] {
  return [
    {
      name: 'nul',
      data: {
        ...base('nul'),
        edge_key: 'key\u0000with nul',
        tenant: 'merchant\u00007',
        text: '\u0000',
        texts: ['\u0000', 'a\u0000b', '\u0000\u0000'],
      },
    },
    {
      name: 'unicode',
      data: {
        ...base('unicode'),
        edge_key: '\uffff\u{1f600}key',
        text: ODD_TEXT,
        texts: ['\uffff', '\u{10ffff}', '\u{1f600}', '\ufffe', '\u2028', ''],
        choice: { string: ODD_TEXT },
      },
    },
    {
      name: 'longs',
      data: {
        ...base('longs'),
        long_value: '9223372036854775807',
        longs: [
          '-9223372036854775808',
          '9223372036854775807',
          '-9007199254740993',
          '-9007199254740992',
          -9007199254740991,
          9007199254740991,
          '9007199254740992',
          '9007199254740993',
          -1,
          0,
          1,
        ],
        int_value: -2147483648,
        map_of_longs: { max: '9223372036854775807', min: '-9223372036854775808', safe: 9007199254740991 },
        choice: { long: '-9223372036854775808' },
        micros: '9999-12-31T23:59:59.999999Z',
      },
    },
    {
      name: 'numbers',
      data: {
        ...base('numbers'),
        int_value: 2147483647,
        doubles: ['NaN', 'Infinity', '-Infinity', '-0', 5e-324, 1.7976931348623157e308, 0.1, -2.5e-7, 1e21],
        choice: { long: 42 },
      },
    },
    {
      name: 'bytes',
      data: {
        ...base('bytes'),
        bytes_value: EVERY_BYTE,
        fixed_value: Buffer.from([
          0, 255, 1, 254, 0x80, 0x7f, 0, 0, 0xff, 0xff, 0xc0, 0xc1, 0xf5, 0xfe, 0xed, 0,
        ]).toString('base64'),
        decimal_bytes: '-9999999999999999999999999999999999.9999',
        decimal_fixed: '99999999999999999999999999.99',
        texts: [EVERY_BYTE],
      },
    },
    {
      name: 'maps',
      data: {
        ...base('maps'),
        // Keys in the mapping's order: integer-like keys ascending, then the others sorted.
        map_value: {
          '0': 'zero',
          '2': 'two',
          '10': 'ten',
          '4294967294': 'largest array index',
          '': 'empty key',
          '\u0000': 'nul key',
          '"': 'quote',
          '-1': 'negative',
          '01': 'leading zero',
          '4294967295': 'not an array index',
          'a\u0000b': 'nul inside',
          'a.b/c~d': 'pointer characters',
          constructor: 'c',
          hasOwnProperty: 'h',
          toString: 't',
          '\u{1f600}': 'astral',
          '\uffff': 'noncharacter',
        },
      },
    },
    // 256 KiB of mixed UTF-8 in one string: a body far larger than a socket write.
    { name: 'large', data: { ...base('large'), text: largeText(256 * 1024) } },
  ];
}

/** The JSON text of `data` as the mapping gives it, and the avsc value to produce. */
export function mapped(mapping: JsonAvroMapping, data: unknown): { text: string; value: unknown } {
  const result = mapping.fromJson(data);
  if (!result.ok) throw new Error(`corpus event does not fit its schema: ${JSON.stringify(result.issues)}`);
  return { text: JSON.stringify(mapping.toJson(result.value)), value: result.value };
}
