// Walks the JSON of an Avro schema the way avsc parses it (depth first, fields in order) and lists each
// schema node with its JSON pointer. Named-type references are plain strings and are not followed, so
// every definition is listed exactly once. The rules, the error locator and the default checker all
// work from this one list, so a schema is walked once however many checks run on it.
import { childPointer } from './json-pointer';

export type JsonObject = { [key: string]: unknown };
/** A schema object (`{"type": ...}`) or a union (an array of schemas). */
export type SchemaNode = JsonObject | unknown[];
/** Every schema node of a schema, by identity, to its JSON pointer, in parse order. */
export type SchemaNodes = Map<SchemaNode, string>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isRecordSchema(node: SchemaNode): node is JsonObject & { fields: unknown[] } {
  return (
    isJsonObject(node) && (node.type === 'record' || node.type === 'error') && Array.isArray(node.fields)
  );
}

/** Record fields with their index, skipping entries that are not objects (avsc rejects those). */
export function recordFields(node: SchemaNode): Array<[JsonObject, number]> {
  if (!isRecordSchema(node)) return [];
  return node.fields.flatMap((field: unknown, index) => (isJsonObject(field) ? [[field, index]] : []));
}

/** Pointer of field `index` of the record at `pointer`; both tokens need no escaping. */
export function fieldPointer(pointer: string, index: number): string {
  return `${pointer}/fields/${index}`;
}

export function schemaNodes(schema: unknown): SchemaNodes {
  const nodes: SchemaNodes = new Map();
  collect(schema, '', nodes);
  return nodes;
}

function collect(node: unknown, pointer: string, nodes: SchemaNodes): void {
  if (Array.isArray(node)) {
    nodes.set(node, pointer);
    node.forEach((branch, index) => collect(branch, `${pointer}/${index}`, nodes));
    return;
  }
  if (!isJsonObject(node)) return;
  nodes.set(node, pointer);
  for (const [field, index] of recordFields(node))
    collect(field.type, `${fieldPointer(pointer, index)}/type`, nodes);
  if (node.type === 'array') collect(node.items, childPointer(pointer, 'items'), nodes);
  if (node.type === 'map') collect(node.values, childPointer(pointer, 'values'), nodes);
}
