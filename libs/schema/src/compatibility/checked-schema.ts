/**
 * The schemas the compatibility checker compares: avsc validates each first, so anything avsc refuses
 * (unknown types, bad defaults, duplicate names, anonymous named types) is reported as an
 * InvalidAvroSchemaError; the model (`../model/avro-model.ts`, names resolved as Java resolves them)
 * is then what the checker walks. A reference that only resolves avsc's way is reported as invalid.
 */
import * as avro from 'avsc';
import { AvroModelError, parseAvroSchema, type AvroNode } from '../model/avro-model';
import type { AvroSchemaJson } from '../avro-schema-json';
import { InvalidAvroSchemaError } from './invalid-schema.error';

/** Schema objects another part of @app/schema already validated with avsc, as strictly as below. */
const validatedWithAvsc = new WeakSet<object>();

/**
 * Records that `json` was already parsed by avsc with anonymous types refused (the catalog loader
 * does so for every version file), so checking it here would only generate avsc's code again.
 */
export function markValidatedAvroSchema(json: object): void {
  validatedWithAvsc.add(json);
}

/**
 * The model of a schema the checker may compare. A transitive check reads each earlier version once
 * per candidate (quadratic over a subject's history): a schema avsc already accepted, and its model,
 * are reused for every later read of the same schema object (the model is cached by object).
 */
export function parseCheckedSchema(json: AvroSchemaJson, label: string): AvroNode {
  if (typeof json === 'object' && validatedWithAvsc.has(json)) return modelOf(json, label);
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
  if (typeof json === 'object') validatedWithAvsc.add(json);
  return modelOf(json, label);
}

function modelOf(json: AvroSchemaJson, label: string): AvroNode {
  try {
    return parseAvroSchema(json);
  } catch (err) {
    if (err instanceof AvroModelError) throw new InvalidAvroSchemaError(label, err.message, { cause: err });
    throw err;
  }
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
