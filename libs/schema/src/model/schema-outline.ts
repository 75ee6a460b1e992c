/**
 * The outline of an Avro schema's JSON: every schema node (an object `{"type": ...}` or a union) with
 * its JSON pointer, and the named types and record fields it defines, depth first in file order, the
 * way avsc parses it. It is the model's view of a schema that may not be valid yet: the catalog's
 * rules and error locator and the CLI's lint rules run on files avsc (and so `parseAvroSchema`) may
 * refuse, so the walk resolves no names and skips what is not shaped like a schema. References to
 * named types are plain strings and are not followed, so each definition appears once.
 */
import { childPointer, isJsonObject, type JsonObject } from './json-value';

/** A schema object (`{"type": ...}`) or a union (an array of schemas). */
export type SchemaJsonNode = JsonObject | unknown[];

export type NamedKind = 'record' | 'enum' | 'fixed';

export interface NamedTypeDefinition {
  readonly kind: NamedKind;
  readonly node: JsonObject;
  readonly pointer: string;
  /** The name as written; may be dotted (a full name). */
  readonly name: string | undefined;
}

export interface FieldDefinition {
  readonly field: JsonObject;
  readonly pointer: string;
  readonly name: string | undefined;
  /** The record the field belongs to. */
  readonly record: NamedTypeDefinition;
}

export interface SchemaOutline {
  /** Every schema node, by identity, to its JSON pointer, in parse order. */
  readonly nodes: ReadonlyMap<SchemaJsonNode, string>;
  readonly namedTypes: readonly NamedTypeDefinition[];
  readonly fields: readonly FieldDefinition[];
}

export function isRecordSchema(node: unknown): node is JsonObject & { fields: unknown[] } {
  return (
    isJsonObject(node) &&
    (node['type'] === 'record' || node['type'] === 'error') &&
    Array.isArray(node['fields'])
  );
}

/** Record fields with their index, skipping entries that are not objects (avsc rejects those). */
export function recordFields(node: unknown): Array<[JsonObject, number]> {
  if (!isRecordSchema(node)) return [];
  return node.fields.flatMap((field: unknown, index) => (isJsonObject(field) ? [[field, index]] : []));
}

/** Pointer of field `index` of the record at `pointer`. */
export function fieldPointer(pointer: string, index: number): string {
  return `${pointer}/fields/${index}`;
}

export function outlineSchema(schema: unknown): SchemaOutline {
  const outline = {
    nodes: new Map<SchemaJsonNode, string>(),
    namedTypes: [] as NamedTypeDefinition[],
    fields: [] as FieldDefinition[],
  };
  visit(schema, '', outline);
  return outline;
}

type MutableOutline = {
  nodes: Map<SchemaJsonNode, string>;
  namedTypes: NamedTypeDefinition[];
  fields: FieldDefinition[];
};

function visit(node: unknown, pointer: string, outline: MutableOutline): void {
  if (Array.isArray(node)) {
    outline.nodes.set(node, pointer);
    node.forEach((branch: unknown, index) => visit(branch, childPointer(pointer, index), outline));
    return;
  }
  if (!isJsonObject(node)) return;
  outline.nodes.set(node, pointer);
  const kind = namedKind(node['type']);
  if (kind !== undefined) {
    const name = node['name'];
    const named = { kind, node, pointer, name: typeof name === 'string' ? name : undefined };
    outline.namedTypes.push(named);
    for (const [field, index] of recordFields(node)) {
      const at = fieldPointer(pointer, index);
      const fieldName = field['name'];
      outline.fields.push({
        field,
        pointer: at,
        name: typeof fieldName === 'string' ? fieldName : undefined,
        record: named,
      });
      visit(field['type'], childPointer(at, 'type'), outline);
    }
  }
  if (node['type'] === 'array') visit(node['items'], childPointer(pointer, 'items'), outline);
  if (node['type'] === 'map') visit(node['values'], childPointer(pointer, 'values'), outline);
}

function namedKind(type: unknown): NamedKind | undefined {
  if (type === 'record' || type === 'error') return 'record';
  if (type === 'enum' || type === 'fixed') return type;
  return undefined;
}
