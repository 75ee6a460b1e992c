/**
 * decodeBatchJson must answer exactly what decodeBatch followed by the JSON mapping answered before
 * it existed: the same values, the same CodecError codes and messages for bad bytes (hostile counts
 * and lengths included, see patches/avsc+5.7.9.patch), and a value the mapping refuses left for the
 * caller's mapping to refuse.
 */
import type * as avro from 'avsc';
import { AvroCodec, UnknownSchemaIdError, type DecodedMessage, type SchemaSource } from './avro-codec';
import { CodecError } from './codec-errors';
import type { AvroSchemaJson } from '../avro-schema-json';
import { createAvroType } from './avro-type';
import { AvroJsonDecoder } from '../json/avro-json-decoder';
import { JsonAvroMapping } from '../json/json-mapping';

const v1 = {
  type: 'record',
  name: 'PaymentReceived',
  namespace: 'herald.payments',
  fields: [
    { name: 'payment_id', type: { type: 'string', logicalType: 'uuid' } },
    { name: 'amount_minor', type: 'long' },
    { name: 'received_at', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'skus', type: { type: 'array', items: 'string' } },
    { name: 'flags', type: { type: 'array', items: 'null' } },
    { name: 'labels', type: { type: 'map', values: 'string' } },
    { name: 'fee', type: ['null', 'long', 'double'] },
  ],
};
const v2 = { ...v1, fields: [...v1.fields, { name: 'note', type: ['null', 'string'], default: null }] };
/** Canonically v1 (the canonical form drops logical types): read directly, mapped with its own types. */
const v1Plain = {
  ...v1,
  fields: v1.fields.map((f) =>
    f.name === 'payment_id'
      ? { ...f, type: 'string' }
      : f.name === 'received_at'
        ? { ...f, type: 'long' }
        : f,
  ),
};

const registry: SchemaSource = {
  schemaById: async (id: number): Promise<AvroSchemaJson> => {
    const schema = ({ 1: v1, 2: v2 } as Record<number, AvroSchemaJson>)[id];
    if (schema === undefined) throw new UnknownSchemaIdError(id);
    return schema;
  },
};

const type1 = createAvroType(v1);
const encoder = new AvroCodec(registry);
const value = (n: number, extra: Record<string, unknown> = {}): Buffer =>
  encoder.encode(1, type1, {
    payment_id: `p-${n}`,
    amount_minor: BigInt(n) * 2n ** 40n,
    received_at: 1_790_000_000_000n + BigInt(n),
    skus: ['a', 'b'],
    flags: [null],
    labels: { k: 'v' },
    fee: n % 2 === 0 ? null : { double: -0 },
    ...extra,
  });
const header = Buffer.from([0, 0, 0, 0, 1]);
/** A zig-zag varint of 2^31 - 1. */
const huge = Buffer.from([0xfe, 0xff, 0xff, 0xff, 0x0f]);

/** Messages a consumer may meet: good ones, and each way the bytes can be wrong. */
function batch(): Buffer[] {
  const good = value(1);
  return [
    good,
    value(2),
    good.subarray(0, -3), // truncated
    Buffer.concat([good, Buffer.from([0])]), // trailing byte
    Buffer.concat([value(2).subarray(0, -1), Buffer.from([0x0a])]), // fee: union branch 5 does not exist
    Buffer.concat([header, Buffer.from([0x0a]), Buffer.alloc(3)]), // a 5-byte uuid string with 3 bytes left
    Buffer.concat([header, Buffer.from([0x7f])]), // a negative string length
    Buffer.concat([header, Buffer.from([0]), Buffer.alloc(1000, 0xff), Buffer.from([1])]), // a 1,001-byte long
    Buffer.concat([header, Buffer.from([0, 2, 2]), huge]), // skus: 2^31 strings in 0 bytes
    Buffer.concat([header, Buffer.from([0, 2, 2, 0]), huge]), // flags: 2^31 nulls, above the cap
    Buffer.concat([header, Buffer.from([0, 2, 2, 0, 0]), huge]), // labels: 2^31 entries
    Buffer.concat([
      header,
      Buffer.from([0, 2, 2, 0]),
      Buffer.from([0xa0, 0x8d, 0x06, 0]),
      Buffer.from([0, 0]),
    ]), // flags: 50,000 nulls in 3 bytes
    Buffer.from([1, 0, 0, 0, 1]), // bad magic byte
    Buffer.from([0, 0, 0, 0, 9, 0]), // unknown schema id
    value(3, { received_at: 2n ** 62n }), // a timestamp beyond year 275760: the mapping refuses it
    value(4, { labels: { ['__proto__']: 'x', a: 'b', '10': 'ten', '2': 'two' } }),
    value(5),
  ];
}

type Reader = { type: avro.Type; schema: AvroSchemaJson };
type Answer = { error: string; message: string } | { json: unknown } | { unmapped: string };

/** What decodeBatch then the mapping answered per message (the consumer runtime before decodeBatchJson). */
async function before(codec: AvroCodec, messages: Buffer[], reader?: Reader): Promise<Answer[]> {
  const decoded = await codec.decodeBatch(messages, reader?.type);
  return decoded.map((d) => {
    if (d instanceof CodecError) return { error: d.code, message: d.message };
    const mapping = JsonAvroMapping.compile(reader?.schema ?? (d.schemaId === 1 ? v1 : v2));
    try {
      return { json: mapping.toJson(d.value) };
    } catch (error) {
      return { unmapped: (error as Error).message };
    }
  });
}

async function after(codec: AvroCodec, messages: Buffer[], reader?: Reader): Promise<Answer[]> {
  const decoded = await codec.decodeBatchJson(messages, reader);
  return decoded.map((d) => {
    if (d instanceof CodecError) return { error: d.code, message: d.message };
    if (d.json === true) return { json: d.value };
    const mapping = JsonAvroMapping.compile(reader?.schema ?? (d.schemaId === 1 ? v1 : v2));
    try {
      return { json: mapping.toJson(d.value) };
    } catch (error) {
      return { unmapped: (error as Error).message };
    }
  });
}

describe('AvroCodec.decodeBatchJson', () => {
  afterEach(() => jest.restoreAllMocks());

  it.each([
    ['unpinned (the writer schema)', undefined, true, 'unmapped'],
    [
      'pinned to the writer version (another type object)',
      { type: createAvroType(v1), schema: v1 },
      true,
      'unmapped',
    ],
    [
      'pinned to a canonically equal schema without logical types',
      { type: createAvroType(v1Plain), schema: v1Plain },
      true,
      'json', // its received_at is a plain long
    ],
    [
      'pinned to a later version (schema resolution)',
      { type: createAvroType(v2), schema: v2 },
      false,
      'unmapped',
    ],
  ])('answers as decodeBatch plus the mapping did: %s', async (_, reader, direct, farFuture) => {
    const read = jest.spyOn(AvroJsonDecoder.prototype, 'read');
    const expected = await before(new AvroCodec(registry), batch(), reader);
    read.mockClear();
    const actual = await after(new AvroCodec(registry), batch(), reader);
    expect(read.mock.calls.length > 0).toBe(direct);
    expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
    expect(actual).toStrictEqual(expected);
    // The answers are the interesting ones, not all alike.
    expect(actual.map((a) => ('error' in a ? a.error : 'json' in a ? 'json' : 'unmapped'))).toEqual([
      'json',
      'json',
      'TRUNCATED_MESSAGE',
      'TRAILING_BYTES',
      'TRUNCATED_MESSAGE',
      'TRUNCATED_MESSAGE',
      'TRUNCATED_MESSAGE',
      'TRUNCATED_MESSAGE',
      'TRUNCATED_MESSAGE',
      'TRUNCATED_MESSAGE',
      'TRUNCATED_MESSAGE',
      'json',
      'BAD_MAGIC_BYTE',
      'UNKNOWN_SCHEMA_ID',
      farFuture,
      'json',
      'json',
    ]);
  });

  it('flags mapped values, and leaves a value the mapping refuses as avsc read it', async () => {
    const codec = new AvroCodec(registry);
    const [good, refused] = await codec.decodeBatchJson([value(2), value(3, { received_at: 2n ** 62n })]);
    expect(good).toMatchObject({
      schemaId: 1,
      json: true,
      value: {
        payment_id: 'p-2',
        amount_minor: 2 * 2 ** 40,
        received_at: '2026-09-21T14:13:20.002Z',
        skus: ['a', 'b'],
        flags: [null],
        labels: { k: 'v' },
        fee: null,
      },
    });
    expect((refused as DecodedMessage).json).toBeUndefined();
    expect((refused as DecodedMessage).value).toMatchObject({ received_at: 2n ** 62n });
  });

  it('reads a long run of nulls up to the cap and refuses one block beyond it, as the patched avsc does', async () => {
    const codec = new AvroCodec(registry);
    const count = (n: number): Buffer => {
      const zigzag = BigInt(n) * 2n;
      const bytes: number[] = [];
      let rest = zigzag;
      do {
        bytes.push(Number(rest & 0x7fn) | (rest > 0x7fn ? 0x80 : 0));
        rest >>= 7n;
      } while (rest > 0n);
      return Buffer.from(bytes);
    };
    const tail = Buffer.from([0, 0]); // empty labels, fee null
    const message = (n: number): Buffer =>
      Buffer.concat([header, Buffer.from([0, 2, 2, 0]), count(n), Buffer.from([0]), tail]);
    const [atCap, overCap] = await codec.decodeBatchJson([message(1_000_000), message(1_000_001)]);
    expect(((atCap as DecodedMessage).value as { flags: null[] }).flags).toHaveLength(1_000_000);
    expect((overCap as CodecError).message).toMatch(
      /invalid array block: 1000001 items claimed with 3 bytes left/,
    );
  });
});
