// Field defaults, checked one by one. avsc validates a default while parsing, but stops at the first bad
// one and does not say which field it belongs to; here every default is probed against its field's parsed
// type, so each bad default is reported at its own `/fields/N/default`.
import { Type, types } from 'avsc';

import { childPointer, isJsonObject } from '../model/json-value';
import { type SchemaJsonNode, fieldPointer, outlineSchema, recordFields } from '../model/schema-outline';
import { type AvroSchemaInput, catalogParseOptions } from './avro-error.locator';
import { errorMessage } from './catalog.error';
import type { FileProblem } from './catalog.types';

export interface SchemaWithoutDefaults {
  schema: AvroSchemaInput;
  /** The schema nodes of the copy (their pointers are the same as in the original). */
  nodes: ReadonlyMap<SchemaJsonNode, string>;
}

/** A deep copy without field defaults, so a bad default cannot hide a structural error behind it. */
export function withoutFieldDefaults(schema: unknown): SchemaWithoutDefaults {
  const copy: unknown = structuredClone(schema);
  const { nodes } = outlineSchema(copy);
  for (const node of nodes.keys()) {
    for (const [field] of recordFields(node)) delete (field as { default?: unknown }).default;
  }
  return { schema: copy as AvroSchemaInput, nodes };
}

/** Walks the schema JSON and its parsed type side by side and probes every field default. */
export function fieldDefaultProblems(schema: unknown, type: Type, pointer = ''): FileProblem[] {
  if (Array.isArray(schema)) {
    const branches =
      type instanceof types.UnwrappedUnionType || type instanceof types.WrappedUnionType ? type.types : [];
    return schema.flatMap((branch: unknown, index) => {
      const branchType = branches[index];
      return branchType === undefined
        ? []
        : fieldDefaultProblems(branch, branchType, childPointer(pointer, index));
    });
  }
  if (!isJsonObject(schema)) return [];
  if (type instanceof types.ArrayType) {
    return fieldDefaultProblems(schema.items, type.itemsType, childPointer(pointer, 'items'));
  }
  if (type instanceof types.MapType) {
    return fieldDefaultProblems(schema.values, type.valuesType as Type, childPointer(pointer, 'values'));
  }
  if (!(type instanceof types.RecordType)) return [];
  return recordFields(schema).flatMap(([field, index]) => {
    const fieldType = type.fields[index]?.type;
    if (fieldType === undefined) return [];
    const at = fieldPointer(pointer, index);
    const nested = fieldDefaultProblems(field.type, fieldType, `${at}/type`);
    const message = 'default' in field ? invalidDefault(fieldType, field.default) : undefined;
    return message === undefined ? nested : [...nested, { pointer: `${at}/default`, message }];
  });
}

/** avsc's own default check, run on a one-field record whose field type is the already parsed type. */
function invalidDefault(fieldType: Type, value: unknown): string | undefined {
  const probe = {
    type: 'record',
    name: 'DefaultProbe',
    fields: [{ name: 'value', type: fieldType, default: value }],
  };
  try {
    Type.forSchema(probe as AvroSchemaInput, catalogParseOptions());
    return undefined;
  } catch (error) {
    return `invalid default: ${errorMessage(error)}`;
  }
}
