// Rules avsc does not enforce on its own. avsc crashes with a TypeError on a field without a `type`,
// and, as the Avro spec allows, silently ignores a logical type that does not fit its underlying type
// or is misspelt, so `"logicalType": "timestamp-milis"` would yield a plain long that consumers read
// as a number instead of a time. The catalog is stricter: only the spec's logical types, where they fit.
import { childPointer, isJsonObject, type JsonObject } from '../model/json-value';
import { type SchemaJsonNode, fieldPointer, isRecordSchema, recordFields } from '../model/schema-outline';
import type { FileProblem } from './catalog.types';

/** Spec logical types (Avro 1.12) and the underlying types each may annotate. */
const LOGICAL_TYPES: Record<string, readonly string[]> = {
  decimal: ['bytes', 'fixed'],
  'big-decimal': ['bytes'],
  uuid: ['string', 'fixed'],
  date: ['int'],
  'time-millis': ['int'],
  'time-micros': ['long'],
  'timestamp-millis': ['long'],
  'timestamp-micros': ['long'],
  'timestamp-nanos': ['long'],
  'local-timestamp-millis': ['long'],
  'local-timestamp-micros': ['long'],
  'local-timestamp-nanos': ['long'],
  duration: ['fixed'],
};

/** Fields that are not objects with a string `name` and a `type`: avsc cannot parse past them. */
export function fieldShapeProblems(nodes: ReadonlyMap<SchemaJsonNode, string>): FileProblem[] {
  const problems: FileProblem[] = [];
  for (const [node, pointer] of nodes) {
    if (!isRecordSchema(node)) continue;
    node.fields.forEach((field: unknown, index) => {
      const problem = (message: string) => problems.push({ pointer: fieldPointer(pointer, index), message });
      if (!isJsonObject(field)) problem('a record field must be an object');
      else if (typeof field.name !== 'string') problem('field has no "name"');
      else if (!('type' in field)) problem(`field "${field.name}" has no "type"`);
    });
  }
  return problems;
}

export function logicalTypeProblems(nodes: ReadonlyMap<SchemaJsonNode, string>): FileProblem[] {
  const problems: FileProblem[] = [];
  for (const [node, pointer] of nodes) {
    if (!isJsonObject(node)) continue;
    if (node.logicalType !== undefined) problems.push(...checkLogicalType(node, pointer));
    for (const [field, index] of recordFields(node)) {
      if (field.logicalType === undefined) continue;
      const type = JSON.stringify(field.type);
      const logicalType = JSON.stringify(field.logicalType);
      problems.push({
        pointer: `${fieldPointer(pointer, index)}/logicalType`,
        message: `logicalType belongs on the field's type, not on the field: write "type": {"type": ${type}, "logicalType": ${logicalType}}`,
      });
    }
  }
  return problems;
}

function checkLogicalType(node: JsonObject, pointer: string): FileProblem[] {
  const at = childPointer(pointer, 'logicalType');
  const name = node.logicalType;
  const allowed = typeof name === 'string' ? LOGICAL_TYPES[name] : undefined;
  if (allowed === undefined) {
    const known = Object.keys(LOGICAL_TYPES).join(', ');
    return [{ pointer: at, message: `unknown logicalType ${JSON.stringify(name)} (known: ${known})` }];
  }
  if (typeof node.type !== 'string' || !allowed.includes(node.type)) {
    const types = allowed.join(' or ');
    return [
      {
        pointer: at,
        message: `logicalType "${String(name)}" applies to ${types}, not ${JSON.stringify(node.type)}`,
      },
    ];
  }
  if (name === 'decimal') return decimalProblems(node, pointer);
  if (name === 'uuid' && node.type === 'fixed' && node.size !== 16) {
    return [{ pointer: childPointer(pointer, 'size'), message: 'a uuid fixed must have size 16' }];
  }
  if (name === 'duration' && node.size !== 12) {
    return [{ pointer: childPointer(pointer, 'size'), message: 'a duration fixed must have size 12' }];
  }
  return [];
}

function decimalProblems(node: JsonObject, pointer: string): FileProblem[] {
  const { precision, scale = 0 } = node;
  if (typeof precision !== 'number' || !Number.isInteger(precision) || precision < 1) {
    return [
      {
        pointer: childPointer(pointer, 'precision'),
        message: 'decimal precision must be a positive integer',
      },
    ];
  }
  if (typeof scale !== 'number' || !Number.isInteger(scale) || scale < 0 || scale > precision) {
    return [
      {
        pointer: childPointer(pointer, 'scale'),
        message: 'decimal scale must be an integer from 0 to the precision',
      },
    ];
  }
  return node.type === 'fixed' ? fixedDecimalProblems(node.size, precision, pointer) : [];
}

/**
 * The Avro specification bounds a decimal on fixed: its unscaled value is a two's-complement
 * integer of `size` bytes, so precision can be at most floor(log10(2^(8*size-1) - 1)) digits.
 * A larger precision would admit values that cannot be written.
 */
export function maxFixedDecimalPrecision(size: number): number {
  return ((1n << BigInt(8 * size - 1)) - 1n).toString().length - 1;
}

function fixedDecimalProblems(size: unknown, precision: number, pointer: string): FileProblem[] {
  // An invalid size is reported by the fixed type's own check.
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) return [];
  const max = maxFixedDecimalPrecision(size);
  if (precision <= max) return [];
  return [
    {
      pointer: childPointer(pointer, 'precision'),
      message: `decimal precision ${precision} does not fit a fixed of ${size} byte(s), which holds at most ${max} digits`,
    },
  ];
}
