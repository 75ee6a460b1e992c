/**
 * How Herald turns an Avro schema (JSON) into an avsc Type. Two choices hold everywhere:
 * longs are BigInt (Avro longs are 64-bit; JS numbers lose precision past 2^53), and unions
 * are always wrapped (`{ "<branch>": value }`), so avsc never guesses a branch from a value.
 */
import * as avro from 'avsc';
import type { AvroSchemaJson } from '../avro-schema-json';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const bigIntLong = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(),
  toBuffer: (n: bigint) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(n);
    return buf;
  },
  fromJSON: (json: unknown) => BigInt(json as string | number),
  toJSON: (n: bigint) =>
    n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString(),
  isValid: (n: unknown) => typeof n === 'bigint' && n >= INT64_MIN && n <= INT64_MAX,
  compare: (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0),
});

function isLongObject(schema: unknown): boolean {
  return typeof schema === 'object' && schema !== null && (schema as { type?: unknown }).type === 'long';
}

export function createAvroType(schema: AvroSchemaJson): avro.Type {
  // A fresh registry per call: avsc adds every named type it parses to the registry it is given.
  // The registry covers `"long"` references; the hook covers `{"type": "long", ...}` objects
  // (logical types such as timestamp-millis), which avsc would otherwise build as plain longs.
  return avro.Type.forSchema(schema as avro.Schema, {
    registry: { long: bigIntLong },
    wrapUnions: true,
    typeHook: (s) => (isLongObject(s) ? bigIntLong : undefined),
  });
}
