/**
 * Herald's one JSON ↔ Avro mapping, used by the gateway (input), webhooks (output), audit
 * (storage) and the CLI. See docs/json-avro-mapping.md for the table of rules.
 */
import type * as avro from 'avsc';
import type { AvroSchemaJson } from '../avro-schema-json';
import { createAvroType } from '../codec/avro-type';
import { avroToJson } from './avro-to-json';
import { JsonToAvroConverter, type ValidationIssue } from './json-to-avro';
import { parseAvroSchema, type AvroNode } from '../model/avro-model';

export type FromJsonResult = { ok: true; value: unknown } | { ok: false; issues: ValidationIssue[] };

export class JsonAvroMapping {
  private constructor(
    readonly schema: AvroSchemaJson,
    readonly type: avro.Type,
    private readonly tree: AvroNode,
  ) {}

  static compile(schema: AvroSchemaJson): JsonAvroMapping {
    return new JsonAvroMapping(schema, createAvroType(schema), parseAvroSchema(schema));
  }

  /** Validates JSON against the schema; every problem is reported with its JSON pointer. */
  fromJson(json: unknown): FromJsonResult {
    const converter = new JsonToAvroConverter();
    const value = converter.convert(this.tree, json, '');
    if (converter.issues.length > 0) return { ok: false, issues: converter.issues };
    return { ok: true, value };
  }

  toJson(value: unknown): unknown {
    return avroToJson(this.tree, value);
  }
}
