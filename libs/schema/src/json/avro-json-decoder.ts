/**
 * Avro binary → Herald's JSON mapping in one pass, without avsc's intermediate value (BigInt
 * longs, Buffers, wrapped-union objects) and without a second walk allocating the JSON tree.
 * The decoder is compiled once per schema (its parsed model) into JavaScript with `new Function`,
 * as avsc compiles its record readers: one function per record returning an object literal of
 * its fields, one per array, map, union and enum; primitives are small functions V8 inlines.
 *
 * Its contract is `avroToJson(tree, type.fromBuffer(bytes))`, exactly (json-mapping.property.spec.ts
 * checks it on random schemas and values, and on random bytes). To keep that true for bad input
 * too, every read mirrors avsc 5.7's Tap as Herald patches it (patches/avsc+5.7.9.patch):
 * - reading past the end never throws and never allocates; it yields zeros and moves the
 *   position on, so the caller sees the end beyond the buffer (truncated), as with avsc;
 * - a negative length puts the position just past the end, as Tap#_invalidate does;
 * - an array or map block may not claim more items than bytes are left, except an array of
 *   items that encode to nothing (null, fixed(0), records of those), capped at 1,000,000 a block;
 * - an enum or union index out of range throws.
 * A throw means "not decoded here": the codec then reads that message with avsc, so a corrupt
 * payload is reported with avsc's own error, and a value the JSON mapping cannot express (a
 * timestamp beyond year 275760) fails where avroToJson fails.
 */
import type { AvroNode, RecordNode, UnionBranch } from '../model/avro-model';
import { isPlainUnion } from './avro-to-json';
import { bytesToDecimal, formatDate, formatDecimal, formatTimestamp } from './logical-values';

/** The read position over one buffer; avsc's Tap has the same two fields. */
interface Cursor {
  buf: Buffer;
  pos: number;
}

/** Node's string slicers, which avsc's Tap uses too (untyped; `toString` adds argument checks per call). */
interface BufferSlices {
  utf8Slice(start: number, end: number): string;
  base64Slice(start: number, end: number): string;
}

const EMPTY = Buffer.alloc(0);
/** avsc patch's HERALD_MAX_EMPTY_ITEMS: items that encode to nothing, per array block. */
const MAX_EMPTY_ITEMS = 1_000_000;
const TWO_POW_28 = 268_435_456;
const MASK_64 = (1n << 64n) - 1n;
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Tap#readLong (ints, lengths, counts and indexes), verbatim: float arithmetic past 28 bits. */
function readVarint(t: Cursor): number {
  const buf = t.buf;
  let n = 0;
  let k = 0;
  let b: number;
  let h: number;
  do {
    b = buf[t.pos++] as number;
    h = b & 0x80;
    n |= (b & 0x7f) << k;
    k += 7;
  } while (h && k < 28);
  if (h) {
    let f = n;
    let fk = TWO_POW_28;
    do {
      b = buf[t.pos++] as number;
      f += (b & 0x7f) * fk;
      fk *= 128;
    } while (b & 0x80);
    return (f % 2 ? -(f + 1) : f) / 2;
  }
  return (n >> 1) ^ -(n & 1);
}

/**
 * An Avro long as avsc's BigInt long type reads it (Tap#unpackLongBytes: bits above 64 are
 * dropped), returned as a number when it is safe and as a bigint otherwise. Up to 7 bytes
 * (48 bits of magnitude) it stays in number arithmetic.
 */
function readLongValue(t: Cursor): number | bigint {
  const buf = t.buf;
  const start = t.pos;
  let pos = start;
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 7; i++) {
    const b = buf[pos++] as number;
    value += (b & 0x7f) * scale;
    if (!(b & 0x80)) {
      t.pos = pos;
      return value % 2 ? -(value + 1) / 2 : value / 2;
    }
    scale *= 128;
  }
  // Eight bytes or more: exact arithmetic on the first 10 (70 bits), the rest only skipped.
  pos = start;
  let bits = 0n;
  let shift = 0n;
  let b: number;
  do {
    b = buf[pos++] as number;
    if (shift < 70n) bits |= BigInt(b & 0x7f) << shift;
    shift += 7n;
  } while (b & 0x80);
  t.pos = pos;
  const magnitude = (bits >> 1n) & MASK_64;
  return BigInt.asIntN(64, bits & 1n ? ~magnitude : magnitude);
}

function readLong(t: Cursor): number | string {
  const value = readLongValue(t);
  if (typeof value === 'number') return value;
  return value >= MIN_SAFE && value <= MAX_SAFE ? Number(value) : value.toString();
}

function readBoolean(t: Cursor): boolean {
  return !!t.buf[t.pos++];
}

function floatJson(value: number): number | string {
  if (value === 0) return Object.is(value, -0) ? '-0' : 0;
  return value - value === 0 ? value : String(value);
}

function readFloat(t: Cursor): number | string {
  const pos = t.pos;
  t.pos = pos + 4;
  if (t.pos > t.buf.length) return 0;
  return floatJson(t.buf.readFloatLE(pos));
}

function readDouble(t: Cursor): number | string {
  const pos = t.pos;
  t.pos = pos + 8;
  if (t.pos > t.buf.length) return 0;
  return floatJson(t.buf.readDoubleLE(pos));
}

/** Start of a length-prefixed value, or -1 when it is not in the buffer (truncated or invalidated). */
function lengthPrefixed(t: Cursor): number {
  const len = readVarint(t);
  if (len < 0) {
    t.pos = t.buf.length + 1;
    return -1;
  }
  const pos = t.pos;
  t.pos = pos + len;
  return t.pos > t.buf.length ? -1 : pos;
}

function readString(t: Cursor): string {
  const pos = lengthPrefixed(t);
  return pos < 0 ? '' : (t.buf as unknown as BufferSlices).utf8Slice(pos, t.pos);
}

function readBytes(t: Cursor): string {
  const pos = lengthPrefixed(t);
  return pos < 0 ? '' : (t.buf as unknown as BufferSlices).base64Slice(pos, t.pos);
}

function readFixed(t: Cursor, size: number): string {
  const pos = t.pos;
  t.pos = pos + size;
  return t.pos > t.buf.length ? '' : (t.buf as unknown as BufferSlices).base64Slice(pos, t.pos);
}

function decimalJson(t: Cursor, pos: number, scale: number): string {
  return pos < 0 ? '' : formatDecimal(bytesToDecimal(t.buf.subarray(pos, t.pos)), scale);
}

function readDecimalBytes(t: Cursor, scale: number): string {
  return decimalJson(t, lengthPrefixed(t), scale);
}

function readDecimalFixed(t: Cursor, size: number, scale: number): string {
  const pos = t.pos;
  t.pos = pos + size;
  return decimalJson(t, t.pos > t.buf.length ? -1 : pos, scale);
}

function readDate(t: Cursor): string {
  return formatDate(readVarint(t));
}

/** Consecutive events mostly carry timestamps of the same instant or close to it: the last one is remembered. */
let lastMillis = Number.NaN;
let lastIso = '';

function isoMillis(millis: number): string {
  if (millis !== lastMillis) {
    lastIso = new Date(millis).toISOString();
    lastMillis = millis;
  }
  return lastIso;
}

function readTimestampMillis(t: Cursor): string {
  const value = readLongValue(t);
  return typeof value === 'number' ? isoMillis(value) : formatTimestamp(value, 'millis');
}

function readTimestampMicros(t: Cursor): string {
  const value = readLongValue(t);
  if (typeof value !== 'number') return formatTimestamp(value, 'micros');
  const millis = Math.floor(value / 1000);
  const rest = value - millis * 1000;
  return `${isoMillis(millis).slice(0, -1)}${rest < 10 ? '00' : rest < 100 ? '0' : ''}${rest}Z`;
}

/** The avsc patch's heraldCheckBlock: a block may not claim more items than there are bytes left. */
function checkBlock(t: Cursor, n: number, emptyItems: boolean, kind: string): void {
  const remaining = t.buf.length - t.pos;
  if (n <= remaining) return;
  if (emptyItems && n <= MAX_EMPTY_ITEMS) return;
  throw new Error(`invalid ${kind} block: ${n} items claimed with ${Math.max(0, remaining)} bytes left`);
}

/** Block count of an array or map (a negative count is followed by the block's byte size). */
function blockCount(t: Cursor): number {
  let n = readVarint(t);
  if (n < 0) {
    n = -n;
    readVarint(t);
  }
  return n;
}

const RUNTIME = {
  readVarint,
  readLong,
  readBoolean,
  readFloat,
  readDouble,
  readString,
  readBytes,
  readFixed,
  readDecimalBytes,
  readDecimalFixed,
  readDate,
  readTimestampMillis,
  readTimestampMicros,
  checkBlock,
  blockCount,
};

/** Whether a value of this type takes no bytes at all (the avsc patch's heraldEncodesToNothing). */
function encodesToNothing(node: AvroNode, seen: readonly AvroNode[] = []): boolean {
  if (seen.includes(node)) return false;
  switch (node.kind) {
    case 'null':
      return true;
    case 'fixed':
      return node.size === 0;
    case 'decimal':
      return node.fixedSize === 0;
    case 'record':
      return node.fields.every((f) => encodesToNothing(f.node, [...seen, node]));
    default:
      return false;
  }
}

/** A number as JavaScript source (NaN and Infinity included): schema sizes never become code. */
function numberLiteral(value: number): string {
  return String(Number(value));
}

/** A property name in an object literal; `__proto__` would set the prototype unless computed. */
function property(name: string): string {
  return name === '__proto__' ? `[${JSON.stringify(name)}]` : JSON.stringify(name);
}

class DecoderCompiler {
  private readonly functions: string[] = [];
  private readonly constants: unknown[] = [];
  private readonly records = new Map<RecordNode, string>();

  compile(root: AvroNode): (t: Cursor) => unknown {
    const entry = this.define((name) => `function ${name}(t) { return ${this.expression(root)}; }`);
    const names = Object.keys(RUNTIME);
    const body = [
      "'use strict';",
      ...this.constants.map((_, i) => `const k${i} = constants[${i}];`),
      ...this.functions,
      `return ${entry};`,
    ];
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- compiled once per schema from the schema's own structure, as avsc does
    const factory = new Function('constants', ...names, body.join('\n')) as (
      ...args: unknown[]
    ) => (t: Cursor) => unknown;
    return factory(this.constants, ...names.map((n) => RUNTIME[n as keyof typeof RUNTIME]));
  }

  private define(make: (name: string) => string): string {
    const name = `f${this.functions.length}`;
    this.functions.push(''); // reserved first, so nested definitions get later slots
    this.functions[Number(name.slice(1))] = make(name);
    return name;
  }

  private constant(value: unknown): string {
    this.constants.push(value);
    return `k${this.constants.length - 1}`;
  }

  /** A JavaScript expression reading one value of `node` from the cursor `t`. */
  private expression(node: AvroNode): string {
    switch (node.kind) {
      case 'null':
        return 'null';
      case 'boolean':
        return 'readBoolean(t)';
      case 'int':
        return 'readVarint(t)';
      case 'long':
        return 'readLong(t)';
      case 'float':
        return 'readFloat(t)';
      case 'double':
        return 'readDouble(t)';
      case 'string':
      case 'uuid':
        return 'readString(t)';
      case 'bytes':
        return 'readBytes(t)';
      case 'fixed':
        return `readFixed(t, ${numberLiteral(node.size)})`;
      case 'date':
        return 'readDate(t)';
      case 'timestamp':
        return node.unit === 'millis' ? 'readTimestampMillis(t)' : 'readTimestampMicros(t)';
      case 'decimal':
        return node.fixedSize === undefined
          ? `readDecimalBytes(t, ${numberLiteral(node.scale)})`
          : `readDecimalFixed(t, ${numberLiteral(node.fixedSize)}, ${numberLiteral(node.scale)})`;
      case 'enum':
        return `${this.enumReader(node.symbols)}(t)`;
      case 'record':
        return `${this.recordReader(node)}(t)`;
      case 'array':
        return `${this.arrayReader(node.items)}(t)`;
      case 'map':
        return `${this.mapReader(node.values)}(t)`;
      case 'union':
        return `${this.unionReader(node.branches)}(t)`;
    }
  }

  private enumReader(symbols: readonly string[]): string {
    const table = this.constant(symbols);
    return this.define(
      (name) => `function ${name}(t) {
  const symbol = ${table}[readVarint(t)];
  if (symbol === undefined) throw new Error('invalid enum index');
  return symbol;
}`,
    );
  }

  private recordReader(node: RecordNode): string {
    const known = this.records.get(node);
    if (known !== undefined) return known;
    const name = `f${this.functions.length}`;
    this.records.set(node, name);
    this.functions.push('');
    // Object literal properties are evaluated in order: the fields are read in schema order.
    const fields = node.fields.map((f) => `${property(f.name)}: ${this.expression(f.node)}`);
    this.functions[Number(name.slice(1))] = `function ${name}(t) { return { ${fields.join(', ')} }; }`;
    return name;
  }

  private arrayReader(items: AvroNode): string {
    const empty = encodesToNothing(items);
    return this.define(
      (name) => `function ${name}(t) {
  const value = [];
  let n;
  while ((n = blockCount(t))) {
    checkBlock(t, n, ${empty}, 'array');
    while (n--) value.push(${this.expression(items)});
  }
  return value;
}`,
    );
  }

  private mapReader(values: AvroNode): string {
    return this.define(
      (name) => `function ${name}(t) {
  const value = {};
  let n;
  while ((n = blockCount(t))) {
    checkBlock(t, n, false, 'map');
    while (n--) {
      const key = readString(t);
      const item = ${this.expression(values)};
      if (key !== '__proto__') value[key] = item;
    }
  }
  return value;
}`,
    );
  }

  private unionReader(branches: readonly UnionBranch[]): string {
    const plain = isPlainUnion(branches);
    return this.define((name) => {
      const cases = branches.map((branch, i) => {
        const inner = this.expression(branch.node);
        const value =
          branch.node.kind === 'null' ? 'null' : plain ? inner : `{ ${property(branch.key)}: ${inner} }`;
        return `    case ${i}: return ${value};`;
      });
      return `function ${name}(t) {
  switch (readVarint(t)) {
${cases.join('\n')}
    default: throw new Error('invalid union index');
  }
}`;
    });
  }
}

/** A compiled decoder for one schema: reads Avro binary straight into its JSON mapping. */
export class AvroJsonDecoder {
  private readonly cursor: Cursor = { buf: EMPTY, pos: 0 };

  private constructor(private readonly readValue: (t: Cursor) => unknown) {}

  static compile(tree: AvroNode): AvroJsonDecoder {
    return new AvroJsonDecoder(new DecoderCompiler().compile(tree));
  }

  /**
   * Reads one value starting at `offset` and leaves the position after it in `end` (beyond the
   * buffer's length when the data was truncated: then the value is meaningless). Throws for
   * bytes it will not interpret; see the file's comment.
   */
  read(buf: Buffer, offset: number): unknown {
    const t = this.cursor;
    t.buf = buf;
    t.pos = offset;
    try {
      return this.readValue(t);
    } finally {
      t.buf = EMPTY;
    }
  }

  get end(): number {
    return this.cursor.pos;
  }
}
