/**
 * Lists the named types (records, enums, fixed) and record fields of an Avro schema's JSON with
 * their JSON pointers, depth first in file order. References to named types are plain strings and
 * are not followed, so each definition appears once. The input may be any JSON: rules run on files
 * the catalog rule may also be reporting, so the walk skips what is not shaped like a schema.
 */
import { childPointer } from './text-position';

export type JsonObject = { readonly [key: string]: unknown };

export type NamedKind = 'record' | 'enum' | 'fixed';

export interface NamedTypeNode {
  readonly kind: NamedKind;
  readonly node: JsonObject;
  readonly pointer: string;
  /** The name as written; may be dotted (a full name). */
  readonly name: string | undefined;
}

export interface FieldNode {
  readonly field: JsonObject;
  readonly pointer: string;
  readonly name: string | undefined;
  /** The record the field belongs to. */
  readonly record: NamedTypeNode;
}

export interface SchemaOutline {
  readonly namedTypes: readonly NamedTypeNode[];
  readonly fields: readonly FieldNode[];
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function outlineSchema(schema: unknown): SchemaOutline {
  const outline = { namedTypes: [] as NamedTypeNode[], fields: [] as FieldNode[] };
  visit(schema, '', outline);
  return outline;
}

/** The name without its namespace: Avro resolves reader and writer types by it. */
export function shortName(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

function visit(
  node: unknown,
  pointer: string,
  outline: { namedTypes: NamedTypeNode[]; fields: FieldNode[] },
) {
  if (Array.isArray(node)) {
    node.forEach((branch, index) => visit(branch, childPointer(pointer, index), outline));
    return;
  }
  if (!isJsonObject(node)) return;
  const kind = namedKind(node.type);
  if (kind !== undefined) {
    const named = { kind, node, pointer, name: typeof node.name === 'string' ? node.name : undefined };
    outline.namedTypes.push(named);
    if (kind === 'record' && Array.isArray(node.fields)) visitFields(named, node.fields, outline);
  }
  if (node.type === 'array') visit(node.items, childPointer(pointer, 'items'), outline);
  if (node.type === 'map') visit(node.values, childPointer(pointer, 'values'), outline);
}

function visitFields(
  record: NamedTypeNode,
  fields: readonly unknown[],
  outline: { namedTypes: NamedTypeNode[]; fields: FieldNode[] },
): void {
  fields.forEach((field, index) => {
    if (!isJsonObject(field)) return;
    const pointer = childPointer(childPointer(record.pointer, 'fields'), index);
    const name = typeof field.name === 'string' ? field.name : undefined;
    outline.fields.push({ field, pointer, name, record });
    visit(field.type, childPointer(pointer, 'type'), outline);
  });
}

function namedKind(type: unknown): NamedKind | undefined {
  if (type === 'record' || type === 'error') return 'record';
  if (type === 'enum' || type === 'fixed') return type;
  return undefined;
}
