/**
 * The shape of one row of the compatibility table, and small builders for Avro schema JSON so
 * that each row reads like the specification sentence it was taken from.
 */
import type { AvroSchemaJson, IncompatibilityType } from '..';

type JsonObject = { readonly [key: string]: unknown };

export interface ExpectedIncompatibility {
  readonly type: IncompatibilityType;
  readonly path: string;
}

export interface CompatibilityCase {
  readonly name: string;
  readonly reader: AvroSchemaJson;
  readonly writer: AvroSchemaJson;
  /** Every incompatibility, in reporting order; empty when the reader can read the writer. */
  readonly expected: readonly ExpectedIncompatibility[];
  /** Set when avsc's resolver decides otherwise, saying why the checker is right. */
  readonly avscDisagrees?: string;
}

export const COMPATIBLE: readonly ExpectedIncompatibility[] = [];

export const typeMismatch = (path: string): ExpectedIncompatibility => ({ type: 'TYPE_MISMATCH', path });
export const missingDefault = (path: string): ExpectedIncompatibility => ({
  type: 'READER_FIELD_MISSING_DEFAULT_VALUE',
  path,
});
export const missingSymbols = (path: string): ExpectedIncompatibility => ({
  type: 'MISSING_ENUM_SYMBOLS',
  path,
});
export const missingBranch = (path: string): ExpectedIncompatibility => ({
  type: 'MISSING_UNION_BRANCH',
  path,
});
export const nameMismatch = (path: string): ExpectedIncompatibility => ({ type: 'NAME_MISMATCH', path });
export const sizeMismatch = (path: string): ExpectedIncompatibility => ({
  type: 'FIXED_SIZE_MISMATCH',
  path,
});

export function row(
  name: string,
  reader: AvroSchemaJson,
  writer: AvroSchemaJson,
  expected: readonly ExpectedIncompatibility[],
  avscDisagrees?: string,
): CompatibilityCase {
  return avscDisagrees === undefined
    ? { name, reader, writer, expected }
    : { name, reader, writer, expected, avscDisagrees };
}

export const field = (name: string, type: AvroSchemaJson, extra: JsonObject = {}): JsonObject => ({
  name,
  type,
  ...extra,
});

export const record = (name: string, fields: readonly JsonObject[], extra: JsonObject = {}): JsonObject => ({
  type: 'record',
  name,
  fields,
  ...extra,
});

export const enumOf = (name: string, symbols: readonly string[], extra: JsonObject = {}): JsonObject => ({
  type: 'enum',
  name,
  symbols,
  ...extra,
});

export const fixed = (name: string, size: number, extra: JsonObject = {}): JsonObject => ({
  type: 'fixed',
  name,
  size,
  ...extra,
});

export const arrayOf = (items: AvroSchemaJson): JsonObject => ({ type: 'array', items });
export const mapOf = (values: AvroSchemaJson): JsonObject => ({ type: 'map', values });
