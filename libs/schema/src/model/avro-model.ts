/**
 * The one parsed model of an Avro schema that the compatibility checker, the JSON mapping and the
 * CLI's code generation read. Named types are resolved here, once, and every reference points at the
 * one node that defines the type, so a recursive schema is a cycle rather than an infinite tree.
 *
 * Names follow the Avro specification (as Java does): a dotted name is a full name and any
 * `namespace` beside it is ignored; a leading dot means the null namespace; types nested in a
 * record inherit that record's namespace; a reference without a dot is looked up in the enclosing
 * namespace; aliases without a dot live in the namespace of the type that declares them. avsc
 * differs in one corner (a dotted name with a different `namespace` attribute: avsc nests in the
 * attribute's namespace); a reference that only resolves avsc's way is refused here.
 *
 * The logical types the JSON mapping treats specially (uuid on string, date, timestamp-millis and
 * -micros, decimal on bytes or fixed) are nodes of their own that keep their underlying type, so the
 * checker, which never looks at `logicalType`, reads through them (`underlyingNode`). Any other
 * logical type is its underlying type. Named types and fields carry the JSON pointer of their
 * definition. The model does not validate the schema (avsc does, before any of its readers build
 * one); it refuses only what it cannot resolve, with an `AvroModelError`.
 */
import type { AvroSchemaJson } from '../avro-schema-json';
import { childPointer, isJsonObject, type JsonObject } from './json-value';
import { fieldPointer } from './schema-outline';

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
  readonly kind: PrimitiveTypeName;
}

export interface UuidNode {
  readonly kind: 'uuid';
  readonly underlying: PrimitiveNode;
}

export interface DateNode {
  readonly kind: 'date';
  readonly underlying: PrimitiveNode;
}

export interface TimestampNode {
  readonly kind: 'timestamp';
  readonly unit: 'millis' | 'micros';
  readonly underlying: PrimitiveNode;
}

export interface DecimalNode {
  readonly kind: 'decimal';
  readonly precision: number;
  readonly scale: number;
  /** The size of the fixed it annotates; undefined on bytes. */
  readonly fixedSize: number | undefined;
  /** `bytes`, or the named fixed it annotates (a reference to that name reads as this decimal). */
  readonly underlying: PrimitiveNode | FixedNode;
}

export type LogicalNode = UuidNode | DateNode | TimestampNode | DecimalNode;

export interface ArrayNode {
  readonly kind: 'array';
  readonly items: AvroNode;
}

export interface MapNode {
  readonly kind: 'map';
  readonly values: AvroNode;
}

export interface UnionBranch {
  /** avsc's wrapped-union key: the full name of a named type, else the (underlying) type name. */
  readonly key: string;
  /** Short name accepted as a wrapper key too (e.g. `Money` for `herald.payments.Money`). */
  readonly alias: string;
  readonly node: AvroNode;
}

export interface UnionNode {
  readonly kind: 'union';
  readonly branches: readonly UnionBranch[];
}

interface NamedNodeBase {
  /** Full name, namespace included (`herald.payments.CardBrand`). */
  readonly fullName: string;
  readonly shortName: string;
  /** The namespace types nested in this one inherit ('' for none). */
  readonly namespace: string;
  /** Full names: an alias without a dot lives in the namespace of the type that declares it. */
  readonly aliases: readonly string[];
  /** The `doc` string, when it says something (blank docs are left out). */
  readonly doc: string | undefined;
  /** JSON pointer of the definition within the schema. */
  readonly pointer: string;
}

export interface FieldNode {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly doc: string | undefined;
  /** A field with a default may be left out of the input (the default is written instead). */
  readonly hasDefault: boolean;
  readonly node: AvroNode;
  /** JSON pointer of the field within the schema (`/fields/2`). */
  readonly pointer: string;
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
/** A node as Avro's schema resolution sees it: logical types read as their underlying type. */
export type ResolvedNode = PrimitiveNode | ArrayNode | MapNode | UnionNode | NamedNode;
export type AvroNode = ResolvedNode | LogicalNode;

/** The schema cannot be resolved (an undefined name, a malformed part); `message` says why. */
export class AvroModelError extends Error {
  override name = 'AvroModelError';
}

export function isPrimitiveTypeName(name: string): name is PrimitiveTypeName {
  return (PRIMITIVE_TYPES as readonly string[]).includes(name);
}

export function isPrimitiveNode(node: AvroNode): node is PrimitiveNode {
  return isPrimitiveTypeName(node.kind);
}

/** The type Avro resolves a node as: a logical type's underlying type, else the node itself. */
export function underlyingNode(node: AvroNode): ResolvedNode {
  return 'underlying' in node ? node.underlying : node;
}

/**
 * Models by schema object. Schema JSON is treated as an immutable value, so every reader of the same
 * schema object (the checker comparing each version with all earlier ones, the mapping, codegen)
 * shares one model. Weak keys: nothing is kept alive for the cache's sake.
 */
const models = new WeakMap<object, AvroNode>();

/** The schema's model; throws AvroModelError for a name that does not resolve. */
export function parseAvroSchema(json: AvroSchemaJson): AvroNode {
  const cached = typeof json === 'object' ? models.get(json) : undefined;
  if (cached !== undefined) return cached;
  const model = new ModelBuilder().build(json, '', '');
  if (typeof json === 'object') models.set(json, model);
  return model;
}

/** A name without its namespace (`Money` for `herald.payments.Money`): Avro matches reader and writer types by it. */
export function shortNameOf(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

interface QualifiedName {
  readonly fullName: string;
  readonly shortName: string;
  readonly namespace: string;
}

function qualify(name: string, namespace: string): QualifiedName {
  const lastDot = name.lastIndexOf('.');
  if (lastDot >= 0) {
    const ns = name.slice(0, lastDot).replace(/^\./, '');
    const shortName = shortNameOf(name);
    return { fullName: ns ? `${ns}.${shortName}` : shortName, shortName, namespace: ns };
  }
  return { fullName: namespace ? `${namespace}.${name}` : name, shortName: name, namespace };
}

// One node per primitive: the checker pairs nodes by identity, so shared nodes mean fewer pairs.
const PRIMITIVE_NODES = new Map<PrimitiveTypeName, PrimitiveNode>(
  PRIMITIVE_TYPES.map((type) => [type, { kind: type }]),
);

function primitive(type: PrimitiveTypeName): PrimitiveNode {
  return PRIMITIVE_NODES.get(type) ?? { kind: type };
}

function docOf(json: JsonObject): string | undefined {
  const doc = json['doc'];
  return typeof doc === 'string' && doc.trim() !== '' ? doc : undefined;
}

/** The key avsc gives a union branch of this node in a wrapped union. */
function branchKey(node: AvroNode): string {
  if ('underlying' in node) return branchKey(node.underlying);
  if ('fullName' in node) return node.fullName;
  if (node.kind === 'union') throw new AvroModelError('a union cannot directly contain another union');
  return node.kind;
}

class ModelBuilder {
  private readonly named = new Map<string, AvroNode>();

  build(json: unknown, namespace: string, pointer: string): AvroNode {
    if (typeof json === 'string') return this.reference(json, namespace);
    if (Array.isArray(json)) return this.union(json, namespace, pointer);
    if (isJsonObject(json)) return this.definition(json, namespace, pointer);
    throw new AvroModelError(`unexpected schema ${JSON.stringify(json)}`);
  }

  private reference(name: string, namespace: string): AvroNode {
    // Primitive names are global: avsc reads `"some.ns.int"` as `"int"`.
    const short = qualify(name, '').shortName;
    if (isPrimitiveTypeName(short)) return primitive(short);
    const node = this.named.get(qualify(name, namespace).fullName);
    if (!node) throw new AvroModelError(`undefined type name "${name}" in namespace "${namespace}"`);
    return node;
  }

  private union(json: readonly unknown[], namespace: string, pointer: string): UnionNode {
    return {
      kind: 'union',
      branches: json.map((branch, index) => {
        const node = this.build(branch, namespace, childPointer(pointer, index));
        const key = branchKey(node);
        return { key, alias: key.slice(key.lastIndexOf('.') + 1), node };
      }),
    };
  }

  private definition(json: JsonObject, namespace: string, pointer: string): AvroNode {
    const type = json['type'];
    if (typeof type !== 'string') throw new AvroModelError(`unexpected type ${JSON.stringify(type)}`);
    if (isPrimitiveTypeName(type)) return this.logical(json, primitive(type)) ?? primitive(type);
    switch (type) {
      case 'array':
        return { kind: 'array', items: this.build(json['items'], namespace, childPointer(pointer, 'items')) };
      case 'map':
        return {
          kind: 'map',
          values: this.build(json['values'], namespace, childPointer(pointer, 'values')),
        };
      case 'record':
      case 'error':
        return this.record(json, namespace, pointer);
      case 'enum': {
        const fallback = json['default'];
        return this.register({
          kind: 'enum',
          ...this.naming(json, namespace, pointer),
          symbols: this.stringList(json['symbols'], 'enum symbols'),
          default: typeof fallback === 'string' ? fallback : undefined,
        });
      }
      case 'fixed': {
        const fixed: FixedNode = {
          kind: 'fixed',
          ...this.naming(json, namespace, pointer),
          size: Number(json['size']),
        };
        // A decimal on fixed is still a named type: a reference to its name reads as the decimal.
        const decimal = this.logical(json, fixed);
        this.named.set(fixed.fullName, decimal ?? fixed);
        return decimal ?? fixed;
      }
      default:
        throw new AvroModelError(`unknown type "${type}"`);
    }
  }

  /** The logical types the JSON mapping treats specially; any other maps as its underlying type. */
  private logical(json: JsonObject, underlying: PrimitiveNode | FixedNode): LogicalNode | undefined {
    const logicalType = json['logicalType'];
    if (logicalType === undefined) return undefined;
    const type = underlying.kind;
    if (logicalType === 'uuid' && type === 'string') return { kind: 'uuid', underlying };
    if (logicalType === 'date' && type === 'int') return { kind: 'date', underlying };
    if (logicalType === 'timestamp-millis' && type === 'long')
      return { kind: 'timestamp', unit: 'millis', underlying };
    if (logicalType === 'timestamp-micros' && type === 'long')
      return { kind: 'timestamp', unit: 'micros', underlying };
    if (logicalType === 'decimal' && (type === 'bytes' || type === 'fixed')) {
      return {
        kind: 'decimal',
        precision: Number(json['precision']),
        scale: Number(json['scale'] ?? 0),
        fixedSize: underlying.kind === 'fixed' ? underlying.size : undefined,
        underlying,
      };
    }
    return undefined;
  }

  private record(json: JsonObject, enclosing: string, pointer: string): RecordNode {
    const names = this.naming(json, enclosing, pointer);
    const fields: FieldNode[] = [];
    const node: RecordNode = { kind: 'record', ...names, fields };
    // Registered before its fields are read, so a field can refer to the record itself.
    this.register(node);
    const fieldsJson: unknown = json['fields'];
    if (!Array.isArray(fieldsJson))
      throw new AvroModelError(`record "${names.fullName}" has no fields array`);
    fieldsJson.forEach((field: unknown, index) => {
      if (!isJsonObject(field) || typeof field['name'] !== 'string') {
        throw new AvroModelError(`record "${names.fullName}" has a field without a name`);
      }
      const at = fieldPointer(pointer, index);
      fields.push({
        name: field['name'],
        aliases: field['aliases'] === undefined ? [] : this.stringList(field['aliases'], 'field aliases'),
        doc: docOf(field),
        hasDefault: field['default'] !== undefined,
        node: this.build(field['type'], names.namespace, childPointer(at, 'type')),
        pointer: at,
      });
    });
    return node;
  }

  /** The names of a record, enum or fixed, and the namespace its nested types inherit. */
  private naming(json: JsonObject, enclosing: string, pointer: string): NamedNodeBase {
    const name = json['name'];
    if (typeof name !== 'string') throw new AvroModelError('a named type has no name');
    const attribute = json['namespace'];
    const declared = attribute === undefined ? enclosing : typeof attribute === 'string' ? attribute : '';
    const qualified = qualify(name, declared);
    const aliases = json['aliases'] === undefined ? [] : this.stringList(json['aliases'], 'aliases');
    return {
      fullName: qualified.fullName,
      shortName: qualified.shortName,
      namespace: qualified.namespace,
      aliases: aliases.map((alias) => qualify(alias, qualified.namespace).fullName),
      doc: docOf(json),
      pointer,
    };
  }

  private register<T extends NamedNode>(node: T): T {
    this.named.set(node.fullName, node);
    return node;
  }

  private stringList(value: unknown, what: string): string[] {
    if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string')) {
      throw new AvroModelError(`${what} must be an array of strings, got ${JSON.stringify(value)}`);
    }
    return value;
  }
}
