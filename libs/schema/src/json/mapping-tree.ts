/**
 * Compiles an Avro schema (JSON) into the tree the JSON mapping walks: named types resolved
 * (namespaces inherited, recursive records shared by reference), logical types recognised,
 * and for each union branch the key avsc uses when unions are wrapped.
 */
import type { AvroSchemaJson } from '../avro-schema-json';

export type MappingNode =
  | { kind: 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'string' | 'bytes' | 'uuid' | 'date' }
  | { kind: 'timestamp'; unit: 'millis' | 'micros' }
  | { kind: 'decimal'; precision: number; scale: number; fixedSize: number | undefined }
  | { kind: 'enum'; name: string; symbols: readonly string[] }
  | { kind: 'fixed'; name: string; size: number }
  | { kind: 'array'; items: MappingNode }
  | { kind: 'map'; values: MappingNode }
  | RecordNode
  | { kind: 'union'; branches: readonly UnionBranch[] };

export interface RecordNode {
  kind: 'record';
  name: string;
  fields: RecordField[];
}

export interface RecordField {
  readonly name: string;
  readonly node: MappingNode;
  readonly hasDefault: boolean;
}

export interface UnionBranch {
  /** avsc's wrapped-union key: the full name of a named type, else the (underlying) type name. */
  readonly key: string;
  /** Short name accepted as a wrapper key too (e.g. `Money` for `herald.payments.Money`). */
  readonly alias: string;
  readonly node: MappingNode;
}

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'string', 'bytes']);

type SchemaObject = { readonly [key: string]: unknown };

class TreeCompiler {
  private readonly named = new Map<string, MappingNode>();

  compile(schema: AvroSchemaJson, namespace: string): MappingNode {
    if (typeof schema === 'string') return this.reference(schema, namespace);
    if (Array.isArray(schema)) return this.union(schema as readonly AvroSchemaJson[], namespace);
    return this.complex(schema as SchemaObject, namespace);
  }

  /** The key avsc uses for this branch of a wrapped union. */
  branchKey(schema: AvroSchemaJson, namespace: string): string {
    if (typeof schema === 'string') return PRIMITIVES.has(schema) ? schema : this.fullName(schema, namespace);
    if (Array.isArray(schema)) throw new Error('a union cannot directly contain another union');
    const object = schema as SchemaObject;
    const type = object['type'];
    if (type === 'record' || type === 'error' || type === 'enum' || type === 'fixed') {
      return this.fullName(
        String(object['name']),
        typeof object['namespace'] === 'string' ? object['namespace'] : namespace,
      );
    }
    if (type === 'array' || type === 'map') return type;
    return this.branchKey(type as AvroSchemaJson, namespace);
  }

  private fullName(name: string, namespace: string): string {
    return name.includes('.') || namespace === '' ? name : `${namespace}.${name}`;
  }

  private reference(name: string, namespace: string): MappingNode {
    if (PRIMITIVES.has(name)) return { kind: name } as MappingNode;
    const node = this.named.get(this.fullName(name, namespace)) ?? this.named.get(name);
    if (node === undefined) throw new Error(`unknown type "${name}"`);
    return node;
  }

  private union(branches: readonly AvroSchemaJson[], namespace: string): MappingNode {
    return {
      kind: 'union',
      branches: branches.map((branch) => {
        const key = this.branchKey(branch, namespace);
        return { key, alias: key.split('.').pop() ?? key, node: this.compile(branch, namespace) };
      }),
    };
  }

  private complex(schema: SchemaObject, inherited: string): MappingNode {
    const type = schema['type'];
    const namespace = typeof schema['namespace'] === 'string' ? schema['namespace'] : inherited;
    const logical = this.logical(schema, namespace);
    if (logical !== undefined) return logical;
    switch (type) {
      case 'record':
      case 'error':
        return this.record(schema, namespace);
      case 'enum':
        return this.register(schema, namespace, (name) => ({
          kind: 'enum',
          name,
          symbols: schema['symbols'] as string[],
        }));
      case 'fixed':
        return this.register(schema, namespace, (name) => ({
          kind: 'fixed',
          name,
          size: Number(schema['size']),
        }));
      case 'array':
        return { kind: 'array', items: this.compile(schema['items'] as AvroSchemaJson, namespace) };
      case 'map':
        return { kind: 'map', values: this.compile(schema['values'] as AvroSchemaJson, namespace) };
      default:
        return this.compile(type as AvroSchemaJson, namespace);
    }
  }

  private register(
    schema: SchemaObject,
    namespace: string,
    make: (fullName: string) => MappingNode,
  ): MappingNode {
    const name = this.fullName(String(schema['name']), namespace);
    const node = make(name);
    this.named.set(name, node);
    return node;
  }

  private record(schema: SchemaObject, namespace: string): MappingNode {
    const fullName = this.fullName(String(schema['name']), namespace);
    const node: RecordNode = { kind: 'record', name: fullName, fields: [] };
    // Registered before its fields compile, so a self-reference resolves to this very node.
    this.named.set(fullName, node);
    const recordNamespace = fullName.includes('.') ? fullName.slice(0, fullName.lastIndexOf('.')) : '';
    for (const field of schema['fields'] as SchemaObject[]) {
      node.fields.push({
        name: String(field['name']),
        node: this.compile(field['type'] as AvroSchemaJson, recordNamespace),
        hasDefault: Object.prototype.hasOwnProperty.call(field, 'default'),
      });
    }
    return node;
  }

  /** Logical types Herald maps specially; any other logical type maps as its underlying type. */
  private logical(schema: SchemaObject, namespace: string): MappingNode | undefined {
    const logicalType = schema['logicalType'];
    const type = schema['type'];
    if (logicalType === 'uuid' && type === 'string') return { kind: 'uuid' };
    if (logicalType === 'date' && type === 'int') return { kind: 'date' };
    if (logicalType === 'timestamp-millis' && type === 'long') return { kind: 'timestamp', unit: 'millis' };
    if (logicalType === 'timestamp-micros' && type === 'long') return { kind: 'timestamp', unit: 'micros' };
    if (logicalType === 'decimal' && (type === 'bytes' || type === 'fixed')) {
      const decimal: MappingNode = {
        kind: 'decimal',
        precision: Number(schema['precision']),
        scale: Number(schema['scale'] ?? 0),
        fixedSize: type === 'fixed' ? Number(schema['size']) : undefined,
      };
      // A decimal on fixed is still a named type other schemas may reference.
      if (type === 'fixed') this.named.set(this.fullName(String(schema['name']), namespace), decimal);
      return decimal;
    }
    return undefined;
  }
}

export function compileMappingTree(schema: AvroSchemaJson): MappingNode {
  return new TreeCompiler().compile(schema, '');
}
