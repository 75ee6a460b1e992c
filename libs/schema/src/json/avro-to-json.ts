/**
 * avsc value → JSON, the inverse of JsonToAvroConverter. Unions come out as plain values when
 * the branches cannot be confused in JSON (e.g. ["null", "string"]), wrapped as
 * `{"<branch>": value}` otherwise, so that feeding the output back in picks the same branch.
 */
import type { AvroNode, UnionBranch } from '../model/avro-model';
import { bytesToDecimal, formatDate, formatDecimal, formatTimestamp } from './logical-values';

type JsonKind = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';

function jsonKinds(node: AvroNode): JsonKind[] {
  switch (node.kind) {
    case 'null':
    case 'boolean':
      return [node.kind];
    case 'int':
    case 'float':
    case 'double':
      // Non-finite floats travel as "NaN"/"Infinity" strings.
      return node.kind === 'int' ? ['number'] : ['number', 'string'];
    case 'long':
    case 'timestamp':
      return ['number', 'string'];
    case 'decimal':
      return ['string', 'number'];
    case 'array':
      return ['array'];
    case 'record':
    case 'map':
      return ['object'];
    case 'union':
      return node.branches.flatMap((b) => jsonKinds(b.node));
    default:
      return ['string'];
  }
}

const plainUnions = new WeakMap<readonly UnionBranch[], boolean>();

/** True when no two branches share a JSON kind, so a plain value names its branch. */
export function isPlainUnion(branches: readonly UnionBranch[]): boolean {
  let plain = plainUnions.get(branches);
  if (plain === undefined) {
    const kinds = branches.flatMap((b) => [...new Set(jsonKinds(b.node))]);
    plain = new Set(kinds).size === kinds.length;
    plainUnions.set(branches, plain);
  }
  return plain;
}

export function avroToJson(node: AvroNode, value: unknown): unknown {
  switch (node.kind) {
    case 'long':
      return safeNumber(value as bigint);
    case 'float':
    case 'double':
      if (Object.is(value, -0)) return '-0';
      return Number.isFinite(value) ? value : String(value);
    case 'bytes':
    case 'fixed':
      return (value as Buffer).toString('base64');
    case 'decimal':
      return formatDecimal(bytesToDecimal(value as Buffer), node.scale);
    case 'timestamp':
      return formatTimestamp(value as bigint, node.unit);
    case 'date':
      return formatDate(value as number);
    case 'array':
      return (value as unknown[]).map((item) => avroToJson(node.items, item));
    case 'map':
      return mapValues(value as Record<string, unknown>, (v) => avroToJson(node.values, v));
    case 'record':
      return Object.fromEntries(
        node.fields.map((f) => [f.name, avroToJson(f.node, (value as Record<string, unknown>)[f.name])]),
      );
    case 'union':
      return unionToJson(node.branches, value);
    default:
      return value;
  }
}

function safeNumber(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value.toString();
}

function mapValues(object: Record<string, unknown>, fn: (v: unknown) => unknown): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, fn(v)]));
}

function unionToJson(branches: readonly UnionBranch[], value: unknown): unknown {
  if (value === null) return null;
  const [key] = Object.keys(value as object);
  const branch = branches.find((b) => b.key === key);
  if (branch === undefined || key === undefined)
    throw new Error(`value names no branch of the union: ${key}`);
  const inner = avroToJson(branch.node, (value as Record<string, unknown>)[key]);
  return isPlainUnion(branches) ? inner : { [key]: inner };
}
