/**
 * Turns Avro schema JSON into the checker's typed tree. avsc parses the schema first, so
 * anything avsc refuses (unknown types, bad defaults, duplicate names, anonymous named types)
 * is reported as an InvalidAvroSchemaError; the walk below then only resolves names.
 *
 * Names follow the Avro specification (as Java does): a dotted name is a full name and any
 * `namespace` beside it is ignored; types nested in a record inherit that record's namespace;
 * a reference without a dot is looked up in the enclosing namespace. avsc differs in one corner
 * (a dotted name with a different `namespace` attribute: avsc nests in the attribute's
 * namespace); a reference that only resolves avsc's way is reported as invalid here.
 */
import * as avro from 'avsc';
import { InvalidAvroSchemaError } from './invalid-schema.error';
import {
  isPrimitiveTypeName,
  PRIMITIVE_TYPES,
  type AvroSchemaJson,
  type FieldNode,
  type NamedNode,
  type PrimitiveNode,
  type PrimitiveTypeName,
  type SchemaNode,
} from './schema-tree.types';

type JsonObject = { readonly [key: string]: unknown };

interface TypeNames {
  readonly fullName: string;
  readonly shortName: string;
  readonly aliases: readonly string[];
}

interface QualifiedName {
  readonly fullName: string;
  readonly shortName: string;
  readonly namespace: string;
}

/**
 * Parsed trees by schema object. A transitive check parses each earlier version once per
 * candidate (quadratic over a subject's history); schema JSON is treated as an immutable value,
 * so a tree can be reused. Weak keys: nothing is kept alive for the cache's sake.
 */
const parsedTrees = new WeakMap<object, SchemaNode>();

/** Schema objects another part of @app/schema already validated with avsc, as strictly as below. */
const validatedWithAvsc = new WeakSet<object>();

/**
 * Records that `json` was already parsed by avsc with anonymous types refused (the catalog loader
 * does so for every version file), so checking it here would only generate avsc's code again.
 */
export function markValidatedAvroSchema(json: object): void {
  validatedWithAvsc.add(json);
}

export function parseSchemaTree(json: AvroSchemaJson, label: string): SchemaNode {
  const cached = typeof json === 'object' ? parsedTrees.get(json) : undefined;
  if (cached !== undefined) return cached;
  const tree = parseUncached(json, label);
  if (typeof json === 'object') parsedTrees.set(json, tree);
  return tree;
}

function parseUncached(json: AvroSchemaJson, label: string): SchemaNode {
  if (typeof json === 'object' && validatedWithAvsc.has(json))
    return new SchemaTreeBuilder(label).build(json, '');
  try {
    // Java refuses named types without a name; avsc accepts them unless told not to.
    avro.Type.forSchema(json as avro.Schema, { noAnonymousTypes: true, typeHook: emptyUnionStandIn() });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new InvalidAvroSchemaError(
      label,
      reason.includes(EMPTY_UNION_NAMESPACE)
        ? 'a field of type [] (an empty union) cannot have a default'
        : reason,
      { cause: err },
    );
  }
  return new SchemaTreeBuilder(label).build(json, '');
}

const EMPTY_UNION_NAMESPACE = 'herald_checker_empty_union';

type TypeHook = NonNullable<Parameters<typeof avro.Type.forSchema>[1]>['typeHook'];

/**
 * Java accepts the empty union `[]` (a type with no values: data of it is never written) and avsc
 * refuses it. For avsc's validation of the rest, each `[]` stands in as a union of one record that
 * holds itself: no finite value has that type, so, as in Java, no default fits, and a `[]` nested
 * directly in a union is still refused as a nested union.
 */
function emptyUnionStandIn(): TypeHook {
  let count = 0;
  return (schema, opts) => {
    if (!Array.isArray(schema) || schema.length > 0) return undefined;
    const name = `${EMPTY_UNION_NAMESPACE}.Never${count++}`;
    return avro.Type.forSchema([{ type: 'record', name, fields: [{ name: 'never', type: name }] }], opts);
  };
}

function qualify(name: string, namespace: string): QualifiedName {
  const lastDot = name.lastIndexOf('.');
  if (lastDot >= 0) {
    // A leading dot means "the null namespace": `.Foo` is `Foo`.
    const ns = name.slice(0, lastDot).replace(/^\./, '');
    const shortName = name.slice(lastDot + 1);
    return { fullName: ns ? `${ns}.${shortName}` : shortName, shortName, namespace: ns };
  }
  return { fullName: namespace ? `${namespace}.${name}` : name, shortName: name, namespace };
}

// One node per primitive: pairs are keyed by node identity, so shared nodes mean fewer pairs.
const PRIMITIVE_NODES = new Map<PrimitiveTypeName, PrimitiveNode>(
  PRIMITIVE_TYPES.map((type) => [type, { kind: 'primitive', type }]),
);

function primitive(type: PrimitiveTypeName): PrimitiveNode {
  return PRIMITIVE_NODES.get(type) ?? { kind: 'primitive', type };
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class SchemaTreeBuilder {
  private readonly named = new Map<string, NamedNode>();

  constructor(private readonly label: string) {}

  build(json: unknown, namespace: string): SchemaNode {
    if (typeof json === 'string') return this.reference(json, namespace);
    if (Array.isArray(json)) {
      return { kind: 'union', branches: json.map((branch: unknown) => this.build(branch, namespace)) };
    }
    if (isJsonObject(json)) return this.definition(json, namespace);
    throw this.invalid(`unexpected schema ${JSON.stringify(json)}`);
  }

  private reference(name: string, namespace: string): SchemaNode {
    // Primitive names are global: avsc reads `"some.ns.int"` as `"int"`.
    const short = qualify(name, '').shortName;
    if (isPrimitiveTypeName(short)) return primitive(short);
    const node = this.named.get(qualify(name, namespace).fullName);
    if (!node) throw this.invalid(`undefined type name "${name}" in namespace "${namespace}"`);
    return node;
  }

  private definition(json: JsonObject, namespace: string): SchemaNode {
    const type = json['type'];
    if (typeof type !== 'string') throw this.invalid(`unexpected type ${JSON.stringify(type)}`);
    if (isPrimitiveTypeName(type)) return primitive(type);
    switch (type) {
      case 'array':
        return { kind: 'array', items: this.build(json['items'], namespace) };
      case 'map':
        return { kind: 'map', values: this.build(json['values'], namespace) };
      case 'record':
      case 'error':
        return this.record(json, namespace);
      case 'enum': {
        const fallback = json['default'];
        return this.register({
          kind: 'enum',
          ...this.naming(json, namespace).names,
          symbols: this.stringList(json['symbols'], 'enum symbols'),
          default: typeof fallback === 'string' ? fallback : undefined,
        });
      }
      case 'fixed':
        return this.register({
          kind: 'fixed',
          ...this.naming(json, namespace).names,
          size: Number(json['size']),
        });
      default:
        throw this.invalid(`unknown type "${type}"`);
    }
  }

  private record(json: JsonObject, enclosing: string): SchemaNode {
    const { names, namespace } = this.naming(json, enclosing);
    const fields: FieldNode[] = [];
    // Registered before its fields are read, so a field can refer to the record itself.
    const node = this.register({ kind: 'record', ...names, fields });
    const fieldsJson: unknown = json['fields'];
    if (!Array.isArray(fieldsJson)) throw this.invalid(`record "${names.fullName}" has no fields array`);
    for (const field of fieldsJson as unknown[]) {
      if (!isJsonObject(field) || typeof field['name'] !== 'string') {
        throw this.invalid(`record "${names.fullName}" has a field without a name`);
      }
      fields.push({
        name: field['name'],
        aliases: field['aliases'] === undefined ? [] : this.stringList(field['aliases'], 'field aliases'),
        hasDefault: field['default'] !== undefined,
        type: this.build(field['type'], namespace),
      });
    }
    return node;
  }

  /** The names of a record, enum or fixed, and the namespace its nested types inherit. */
  private naming(json: JsonObject, enclosing: string): { names: TypeNames; namespace: string } {
    const name = json['name'];
    if (typeof name !== 'string') throw this.invalid('a named type has no name');
    const attribute = json['namespace'];
    const declared = attribute === undefined ? enclosing : typeof attribute === 'string' ? attribute : '';
    const qualified = qualify(name, declared);
    const aliases = json['aliases'] === undefined ? [] : this.stringList(json['aliases'], 'aliases');
    return {
      names: {
        fullName: qualified.fullName,
        shortName: qualified.shortName,
        aliases: aliases.map((alias) => qualify(alias, qualified.namespace).fullName),
      },
      namespace: qualified.namespace,
    };
  }

  private register<T extends NamedNode>(node: T): T {
    this.named.set(node.fullName, node);
    return node;
  }

  private stringList(value: unknown, what: string): string[] {
    if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string')) {
      throw this.invalid(`${what} must be an array of strings, got ${JSON.stringify(value)}`);
    }
    return value;
  }

  private invalid(reason: string): InvalidAvroSchemaError {
    return new InvalidAvroSchemaError(this.label, reason);
  }
}
