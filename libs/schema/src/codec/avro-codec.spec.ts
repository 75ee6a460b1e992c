import { AvroCodec, UnknownSchemaIdError, type SchemaSource } from './avro-codec';
import { CodecError } from './codec-errors';
import type { AvroSchemaJson } from '../avro-schema-json';
import { createAvroType } from './avro-type';

const v1 = {
  type: 'record',
  name: 'PaymentReceived',
  namespace: 'herald.payments',
  fields: [
    { name: 'payment_id', type: 'string' },
    { name: 'amount_minor', type: 'long' },
  ],
};
const v2 = {
  ...v1,
  fields: [...v1.fields, { name: 'note', type: ['null', 'string'], default: null }],
};

class FakeRegistry implements SchemaSource {
  lookups = 0;
  failNext = false;
  constructor(private readonly byId: Record<number, AvroSchemaJson>) {}
  async schemaById(id: number): Promise<AvroSchemaJson> {
    this.lookups++;
    if (this.failNext) {
      this.failNext = false;
      throw new Error('connect ECONNREFUSED 127.0.0.1:8081');
    }
    const schema = this.byId[id];
    if (schema === undefined) throw new UnknownSchemaIdError(id);
    return schema;
  }
}

async function codecError(promise: Promise<unknown>): Promise<CodecError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CodecError);
  return error as CodecError;
}

describe('AvroCodec (Confluent wire format)', () => {
  const registry = new FakeRegistry({ 1: v1, 2: v2 });
  const codec = new AvroCodec(registry);
  const type1 = createAvroType(v1);
  const type2 = createAvroType(v2);

  it('writes 0x00, the big-endian schema id, then the Avro binary', () => {
    const value = { payment_id: 'p-1', amount_minor: 1250n };
    const message = codec.encode(258, type1, value);
    expect([...message.subarray(0, 5)]).toEqual([0, 0, 0, 1, 2]);
    expect(message.subarray(5)).toEqual(type1.toBuffer(value));
  });

  it('round-trips longs beyond 2^53 exactly', async () => {
    const big = 2n ** 60n + 7n;
    const decoded = await codec.decode(codec.encode(1, type1, { payment_id: 'p', amount_minor: big }));
    expect(decoded).toMatchObject({ schemaId: 1, value: { payment_id: 'p', amount_minor: big } });
  });

  it('resolves old data to a newer reader schema, filling defaults', async () => {
    const decoded = await codec.decode(codec.encode(1, type1, { payment_id: 'p', amount_minor: 5n }), type2);
    expect(decoded.value).toEqual(expect.objectContaining({ payment_id: 'p', amount_minor: 5n, note: null }));
  });

  it('encodes values larger than the scratch buffer', async () => {
    const note = 'x'.repeat(200_000);
    const message = codec.encode(2, type2, { payment_id: 'p', amount_minor: 1n, note: { string: note } });
    const decoded = await codec.decode(message);
    expect((decoded.value as { note: { string: string } }).note.string).toHaveLength(200_000);
  });

  it('rejects a wrong magic byte, a short message, truncated and trailing bytes with typed errors', async () => {
    const good = codec.encode(1, type1, { payment_id: 'payment', amount_minor: 1n });
    const badMagic = Buffer.from(good);
    badMagic[0] = 0x7b;
    expect((await codecError(codec.decode(badMagic))).code).toBe('BAD_MAGIC_BYTE');
    expect((await codecError(codec.decode(Buffer.from([0, 0, 0])))).code).toBe('TRUNCATED_MESSAGE');
    expect((await codecError(codec.decode(good.subarray(0, good.length - 3)))).code).toBe(
      'TRUNCATED_MESSAGE',
    );
    const trailing = await codecError(codec.decode(Buffer.concat([good, Buffer.from([1, 2])])));
    expect(trailing.code).toBe('TRAILING_BYTES');
    expect(trailing.retriable).toBe(false);
  });

  it('reports an unknown schema id as permanent and a failed lookup as retriable, without caching it', async () => {
    const unknown = await codecError(codec.decode(Buffer.from([0, 0, 0, 0, 99, 2])));
    expect(unknown).toMatchObject({ code: 'UNKNOWN_SCHEMA_ID', retriable: false });

    const fresh = new FakeRegistry({ 1: v1 });
    const flaky = new AvroCodec(fresh);
    fresh.failNext = true;
    const message = flaky.encode(1, type1, { payment_id: 'p', amount_minor: 1n });
    const failed = await codecError(flaky.decode(message));
    expect(failed).toMatchObject({ code: 'SCHEMA_LOOKUP_FAILED', retriable: true });
    await expect(flaky.decode(message)).resolves.toMatchObject({ schemaId: 1 });
    await flaky.decode(message);
    expect(fresh.lookups).toBe(2);
  });

  it('refuses to encode a value that does not match the schema', () => {
    expect(() => codec.encode(1, type1, { payment_id: 42, amount_minor: 1n })).toThrow(CodecError);
  });

  it('says when the reader cannot read the writer', async () => {
    const incompatible = createAvroType({
      type: 'record',
      name: 'PaymentReceived',
      fields: [{ name: 'x', type: 'int' }],
    });
    const message = codec.encode(1, type1, { payment_id: 'p', amount_minor: 1n });
    expect((await codecError(codec.decode(message, incompatible))).code).toBe('UNRESOLVABLE_SCHEMAS');
  });
});

describe('AvroCodec.decodeBatch', () => {
  it('decodes a batch and isolates a bad message in its own slot', async () => {
    const registry = new FakeRegistry({ 1: v1 });
    const codec = new AvroCodec(registry);
    const type1 = createAvroType(v1);
    const good = (n: bigint) => codec.encode(1, type1, { payment_id: `p${n}`, amount_minor: n });
    const results = await codec.decodeBatch([
      good(1n),
      Buffer.from([9, 9, 9, 9, 9]),
      good(2n),
      Buffer.from([0, 0, 0, 0, 7]),
    ]);
    expect(
      results.map((r) =>
        r instanceof CodecError ? r.code : (r.value as { amount_minor: bigint }).amount_minor,
      ),
    ).toEqual([1n, 'BAD_MAGIC_BYTE', 2n, 'UNKNOWN_SCHEMA_ID']);
    expect(registry.lookups).toBe(2);
  });

  it('resolves every message of a batch to the reader, or reports per message why it cannot', async () => {
    const codec = new AvroCodec(new FakeRegistry({ 1: v1 }));
    const type1 = createAvroType(v1);
    const messages = [1n, 2n].map((n) => codec.encode(1, type1, { payment_id: `p${n}`, amount_minor: n }));
    const resolved = await codec.decodeBatch(messages, createAvroType(v2));
    expect(
      resolved.map((r) => (r instanceof CodecError ? r.code : (r.value as { note: unknown }).note)),
    ).toEqual([null, null]);
    const incompatible = createAvroType({
      type: 'record',
      name: 'PaymentReceived',
      fields: [{ name: 'x', type: 'int' }],
    });
    const refused = await codec.decodeBatch(messages, incompatible);
    expect(refused.map((r) => (r instanceof CodecError ? r.code : 'decoded'))).toEqual([
      'UNRESOLVABLE_SCHEMAS',
      'UNRESOLVABLE_SCHEMAS',
    ]);
  });

  it('gives bytes avsc cannot interpret, truncated and trailing payloads their own slots', async () => {
    const codec = new AvroCodec(new FakeRegistry({ 2: v2 }));
    const type2 = createAvroType(v2);
    const good = (n: bigint) => codec.encode(2, type2, { payment_id: `p${n}`, amount_minor: n, note: null });
    // v2 ends with a union; branch index 5 (zig-zag 0x0a) does not exist, so avsc throws.
    const badBranch = Buffer.concat([good(1n).subarray(0, -1), Buffer.from([0x0a])]);
    const results = await codec.decodeBatch([
      badBranch,
      good(2n),
      badBranch,
      good(3n).subarray(0, -2),
      Buffer.concat([good(4n), Buffer.from([0])]),
      good(5n),
    ]);
    expect(
      results.map((r) =>
        r instanceof CodecError ? r.code : (r.value as { amount_minor: bigint }).amount_minor,
      ),
    ).toEqual(['TRUNCATED_MESSAGE', 2n, 'TRUNCATED_MESSAGE', 'TRUNCATED_MESSAGE', 'TRAILING_BYTES', 5n]);
    expect((results[0] as CodecError).message).toMatch(/^schema 2: the Avro payload is corrupt/);
  });
});

describe('AvroCodec against hostile collection sizes (avsc patched: patches/avsc+5.7.9.patch)', () => {
  const withArrays = {
    type: 'record',
    name: 'OrderShipped',
    namespace: 'herald.orders',
    fields: [
      { name: 'skus', type: { type: 'array', items: 'string' } },
      { name: 'flags', type: { type: 'array', items: 'null' } },
      { name: 'labels', type: { type: 'map', values: 'string' } },
    ],
  };
  const codec = new AvroCodec(new FakeRegistry({ 7: withArrays }));
  const type = createAvroType(withArrays);
  // Wire header (magic 0, schema id 7), then Avro: a block count of 2^31 - 1 (zig-zag varint).
  const header = Buffer.from([0, 0, 0, 0, 7]);
  const huge = Buffer.from([0xfe, 0xff, 0xff, 0xff, 0x0f]);

  it('refuses a block claiming more items than its bytes hold, without allocating them', async () => {
    const results = await codec.decodeBatch([
      Buffer.concat([header, huge]), // skus: 2^31 strings in 0 bytes
      Buffer.concat([header, Buffer.from([0]), huge]), // flags: 2^31 nulls, above the cap
      Buffer.concat([header, Buffer.from([0, 0]), huge]), // labels: 2^31 entries
      codec.encode(7, type, { skus: ['a', 'b'], flags: [null, null, null], labels: { k: 'v' } }),
    ]);
    expect(results.slice(0, 3).map((r) => (r instanceof CodecError ? r.message : 'decoded'))).toEqual([
      expect.stringMatching(/invalid array block: 2147483647 items claimed with 0 bytes left/),
      expect.stringMatching(/invalid array block: 2147483647 items claimed with 0 bytes left/),
      expect.stringMatching(/invalid map block: 2147483647 items claimed with 0 bytes left/),
    ]);
    expect(results[3]).toMatchObject({
      value: { skus: ['a', 'b'], flags: [null, null, null], labels: { k: 'v' } },
    });
  });

  it('still reads an array of items that encode to nothing, longer than its bytes, up to the cap', async () => {
    const flags = new Array<null>(50_000).fill(null);
    const message = codec.encode(7, type, { skus: [], flags, labels: {} });
    const decoded = await codec.decode(message);
    expect((decoded.value as { flags: null[] }).flags).toHaveLength(50_000);
    // Read through another schema (a resolver), the writer's items decide what a block may claim.
    const reader = createAvroType({
      ...withArrays,
      fields: [...withArrays.fields, { name: 'note', type: ['null', 'string'], default: null }],
    });
    const resolved = await codec.decode(message, reader);
    expect((resolved.value as { flags: null[] }).flags).toHaveLength(50_000);
  });
});
