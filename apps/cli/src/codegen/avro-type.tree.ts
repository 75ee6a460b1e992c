/**
 * Compiles an Avro schema (JSON) into the tree that code generation walks. It follows the rules of
 * @app/schema's JSON mapping (docs/json-avro-mapping.md) exactly, because the generated types must
 * describe that mapping: the same logical types are special, the same union branch keys are used,
 * and named types are resolved with Avro's namespace inheritance. Unlike the mapping's own tree it
 * keeps `doc` strings, which become the generated doc comments.
 */
import type { AvroSchemaJson } from '@app/schema';

export type PrimitiveKind = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'string' | 'bytes';

export type TypeNode =
  | { kind: PrimitiveKind | 'uuid' | 'date' }
  | { kind: 'timestamp'; unit: 'millis' | 'micros' }
  | { kind: 'decimal'; precision: number; scale: number }
  | EnumNode
  | FixedNode
  | { kind: 'array'; items: TypeNode }
  | { kind: 'map'; values: TypeNode }
  | RecordNode
  | UnionNode;

/** What every named Avro type carries. */
export interface NamedInfo {
  /** Full name, namespace included (`herald.payments.CardBrand`). */
  fullName: string;
  doc: string | undefined;
}

export interface EnumNode extends NamedInfo {
  kind: 'enum';
  symbols: readonly string[];
}

export interface FixedNode extends NamedInfo {
  kind: 'fixed';
  size: number;
}

export interface RecordNode extends NamedInfo {
  kind: 'record';
  fields: FieldNode[];
}

export interface FieldNode {
  name: string;
  doc: string | undefined;
  node: TypeNode;
  /** A field with a default may be left out of the input: the gateway fills the default in. */
  hasDefault: boolean;
}

export interface UnionNode {
  kind: 'union';
  branches: readonly UnionBranch[];
}

export interface UnionBranch {
  /** The wrapper key of this branch in JSON: a named type's full name, else the (underlying) type name. */
  key: string;
  node: TypeNode;
}

export type NamedNode = EnumNode | FixedNode | RecordNode;

const PRIMITIVES: ReadonlySet<string> = new Set([
  'null',
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'string',
  'bytes',
]);
type SchemaObject = { readonly [key: string]: unknown };

class TypeTreeCompiler {
  private readonly named = new Map<string, TypeNode>();

  compile(schema: AvroSchemaJson, namespace: string): TypeNode {
    if (typeof schema === 'string') return this.reference(schema, namespace);
    if (Array.isArray(schema)) return this.union(schema as readonly AvroSchemaJson[], namespace);
    return this.complex(schema as SchemaObject, namespace);
  }

  private reference(name: string, namespace: string): TypeNode {
    if (PRIMITIVES.has(name)) return { kind: name as PrimitiveKind };
    const node = this.named.get(fullName(name, namespace)) ?? this.named.get(name);
    if (node === undefined) throw new Error(`unknown Avro type "${name}"`);
    return node;
  }

  private union(branches: readonly AvroSchemaJson[], namespace: string): TypeNode {
    return {
      kind: 'union',
      branches: branches.map((branch) => ({
        key: branchKey(branch, namespace),
        node: this.compile(branch, namespace),
      })),
    };
  }

  private complex(schema: SchemaObject, inherited: string): TypeNode {
    const namespace = typeof schema['namespace'] === 'string' ? schema['namespace'] : inherited;
    const logical = logicalNode(schema);
    if (logical !== undefined) {
      // A decimal on fixed is still a named type that later fields may reference by name.
      if (schema['type'] === 'fixed') this.named.set(fullName(String(schema['name']), namespace), logical);
      return logical;
    }
    switch (schema['type']) {
      case 'record':
      case 'error':
        return this.record(schema, namespace);
      case 'enum':
        return this.register({
          kind: 'enum',
          ...named(schema, namespace),
          symbols: schema['symbols'] as string[],
        });
      case 'fixed':
        return this.register({ kind: 'fixed', ...named(schema, namespace), size: Number(schema['size']) });
      case 'array':
        return { kind: 'array', items: this.compile(schema['items'] as AvroSchemaJson, namespace) };
      case 'map':
        return { kind: 'map', values: this.compile(schema['values'] as AvroSchemaJson, namespace) };
      default:
        return this.compile(schema['type'] as AvroSchemaJson, namespace);
    }
  }

  private register(node: EnumNode | FixedNode): TypeNode {
    this.named.set(node.fullName, node);
    return node;
  }

  private record(schema: SchemaObject, namespace: string): TypeNode {
    const node: RecordNode = { kind: 'record', ...named(schema, namespace), fields: [] };
    // Registered before its fields compile, so a self-reference resolves to this very node.
    this.named.set(node.fullName, node);
    const recordNamespace = node.fullName.includes('.')
      ? node.fullName.slice(0, node.fullName.lastIndexOf('.'))
      : '';
    for (const field of schema['fields'] as SchemaObject[]) {
      node.fields.push({
        name: String(field['name']),
        doc: docOf(field),
        node: this.compile(field['type'] as AvroSchemaJson, recordNamespace),
        hasDefault: Object.prototype.hasOwnProperty.call(field, 'default'),
      });
    }
    return node;
  }
}

function fullName(name: string, namespace: string): string {
  return name.includes('.') || namespace === '' ? name : `${namespace}.${name}`;
}

function named(schema: SchemaObject, namespace: string): NamedInfo {
  return { fullName: fullName(String(schema['name']), namespace), doc: docOf(schema) };
}

function docOf(schema: SchemaObject): string | undefined {
  return typeof schema['doc'] === 'string' && schema['doc'].trim() !== '' ? schema['doc'] : undefined;
}

/** The wrapper key avsc (and so the JSON mapping) uses for a union branch. */
function branchKey(schema: AvroSchemaJson, namespace: string): string {
  if (typeof schema === 'string') return PRIMITIVES.has(schema) ? schema : fullName(schema, namespace);
  if (Array.isArray(schema)) throw new Error('a union cannot directly contain another union');
  const object = schema as SchemaObject;
  const type = object['type'];
  if (type === 'record' || type === 'error' || type === 'enum' || type === 'fixed') {
    const own = typeof object['namespace'] === 'string' ? object['namespace'] : namespace;
    return fullName(String(object['name']), own);
  }
  if (type === 'array' || type === 'map') return type;
  return branchKey(type as AvroSchemaJson, namespace);
}

/** The logical types the JSON mapping treats specially; any other maps as its underlying type. */
function logicalNode(schema: SchemaObject): TypeNode | undefined {
  const logicalType = schema['logicalType'];
  const type = schema['type'];
  if (logicalType === 'uuid' && type === 'string') return { kind: 'uuid' };
  if (logicalType === 'date' && type === 'int') return { kind: 'date' };
  if (logicalType === 'timestamp-millis' && type === 'long') return { kind: 'timestamp', unit: 'millis' };
  if (logicalType === 'timestamp-micros' && type === 'long') return { kind: 'timestamp', unit: 'micros' };
  if (logicalType === 'decimal' && (type === 'bytes' || type === 'fixed')) {
    return { kind: 'decimal', precision: Number(schema['precision']), scale: Number(schema['scale'] ?? 0) };
  }
  return undefined;
}

export function compileTypeTree(schema: AvroSchemaJson): TypeNode {
  return new TypeTreeCompiler().compile(schema, '');
}

type JsonKind = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';

/** The JSON kinds a node's values take, as the mapping's output decides union wrapping by them. */
function jsonKinds(node: TypeNode): JsonKind[] {
  switch (node.kind) {
    case 'null':
    case 'boolean':
      return [node.kind];
    case 'int':
      return ['number'];
    case 'float':
    case 'double':
    case 'long':
    case 'timestamp':
    case 'decimal':
      return ['number', 'string'];
    case 'array':
      return ['array'];
    case 'record':
    case 'map':
      return ['object'];
    case 'union':
      return node.branches.flatMap((branch) => jsonKinds(branch.node));
    default:
      return ['string'];
  }
}

/**
 * True when no two branches share a JSON kind: the mapping then writes a branch's value plainly
 * (`"x"` or `null`), and wraps it as `{"<key>": value}` otherwise so it reads back to the same branch.
 */
export function isPlainUnion(union: UnionNode): boolean {
  const kinds = union.branches.flatMap((branch) => [...new Set(jsonKinds(branch.node))]);
  return new Set(kinds).size === kinds.length;
}
