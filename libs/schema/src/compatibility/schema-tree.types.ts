/**
 * The typed tree the compatibility checker works on: an Avro schema after name resolution.
 * Every named reference points at the one node that defines the type, so a recursive schema is
 * a cycle rather than an infinite tree, and logical types are reduced to their underlying
 * types, because schema resolution never looks at `logicalType`.
 */

import type { AvroSchemaJson } from '../avro-schema-json';

export type { AvroSchemaJson };

export const PRIMITIVE_TYPES = [
  'null',
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'bytes',
  'string',
] as const;
export type PrimitiveTypeName = (typeof PRIMITIVE_TYPES)[number];

export interface PrimitiveNode {
  readonly kind: 'primitive';
  readonly type: PrimitiveTypeName;
}

export interface ArrayNode {
  readonly kind: 'array';
  readonly items: SchemaNode;
}

export interface MapNode {
  readonly kind: 'map';
  readonly values: SchemaNode;
}

export interface UnionNode {
  readonly kind: 'union';
  readonly branches: readonly SchemaNode[];
}

interface NamedNodeBase {
  readonly fullName: string;
  readonly shortName: string;
  /** Full names: an alias without a dot lives in the namespace of the type that declares it. */
  readonly aliases: readonly string[];
}

export interface FieldNode {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly hasDefault: boolean;
  readonly type: SchemaNode;
}

export interface RecordNode extends NamedNodeBase {
  readonly kind: 'record';
  readonly fields: readonly FieldNode[];
}

export interface EnumNode extends NamedNodeBase {
  readonly kind: 'enum';
  readonly symbols: readonly string[];
  readonly default: string | undefined;
}

export interface FixedNode extends NamedNodeBase {
  readonly kind: 'fixed';
  readonly size: number;
}

export type NamedNode = RecordNode | EnumNode | FixedNode;
export type SchemaNode = PrimitiveNode | ArrayNode | MapNode | UnionNode | NamedNode;

export function isPrimitiveTypeName(name: string): name is PrimitiveTypeName {
  return (PRIMITIVE_TYPES as readonly string[]).includes(name);
}

/** How a node is named in messages: `int`, `array`, `record "payments.Payment"`. */
export function describeNode(node: SchemaNode): string {
  switch (node.kind) {
    case 'primitive':
      return node.type;
    case 'array':
    case 'map':
    case 'union':
      return node.kind;
    default:
      return `${node.kind} "${node.fullName}"`;
  }
}
