/** An Avro schema as parsed from JSON: a type name, a union (array) or a complex type (object). */
export type AvroSchemaJson = string | readonly AvroSchemaJson[] | { readonly [key: string]: unknown };
