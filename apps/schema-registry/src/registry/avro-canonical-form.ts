/**
 * The text the registry stores for an Avro schema, and the key it compares schemas by. Like the
 * Java `Schema.toString()` Confluent stores, it ignores whitespace, attribute order and the
 * `{"type": "int"}` spelling of a bare primitive, so the same schema sent twice (by any client)
 * maps to one id. Values that are data, not schema (`default`, custom properties), are kept
 * exactly as sent.
 */

const PRIMITIVE_TYPES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

// Java's attribute order for named, complex and field definitions; anything else follows, sorted.
const SCHEMA_ATTRIBUTES = [
  'type',
  'name',
  'namespace',
  'doc',
  'fields',
  'symbols',
  'items',
  'values',
  'size',
  'default',
  'aliases',
];
const FIELD_ATTRIBUTES = ['name', 'type', 'doc', 'default', 'order', 'aliases'];

type JsonObject = { readonly [key: string]: unknown };

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function orderedKeys(object: JsonObject, known: readonly string[]): string[] {
  const keys = Object.keys(object);
  const extra = keys.filter((key) => !known.includes(key)).sort();
  return [...known.filter((key) => keys.includes(key)), ...extra];
}

function canonicalField(field: unknown): string {
  if (!isJsonObject(field)) return JSON.stringify(field);
  const members = orderedKeys(field, FIELD_ATTRIBUTES).map((key) => {
    const value = key === 'type' ? canonicalAvroSchema(field[key]) : JSON.stringify(field[key]);
    return `${JSON.stringify(key)}:${value}`;
  });
  return `{${members.join(',')}}`;
}

function canonicalAttribute(key: string, value: unknown): string {
  if (key === 'type' || key === 'items' || key === 'values') return canonicalAvroSchema(value);
  if (key === 'fields' && Array.isArray(value)) return `[${value.map(canonicalField).join(',')}]`;
  return JSON.stringify(value);
}

/** Compact canonical JSON text of a parsed Avro schema. */
export function canonicalAvroSchema(schema: unknown): string {
  if (Array.isArray(schema)) return `[${schema.map(canonicalAvroSchema).join(',')}]`;
  if (!isJsonObject(schema)) return JSON.stringify(schema);
  const keys = Object.keys(schema);
  const type = schema['type'];
  if (keys.length === 1 && typeof type === 'string' && PRIMITIVE_TYPES.has(type)) {
    return JSON.stringify(type);
  }
  const members = orderedKeys(schema, SCHEMA_ATTRIBUTES).map(
    (key) => `${JSON.stringify(key)}:${canonicalAttribute(key, schema[key])}`,
  );
  return `{${members.join(',')}}`;
}
