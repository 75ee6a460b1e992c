// Strict parsing of one Avro schema: everything avsc checks, plus what it lets through (see
// avro-schema.rules.ts), each problem with a JSON pointer, then the canonical form and fingerprint.
import { createHash } from 'node:crypto';

import type { Type, types } from 'avsc';

import { fieldDefaultProblems, withoutFieldDefaults } from './avro-default.checker';
import { type AvroSchemaInput, parseLocated } from './avro-error.locator';
import { fieldShapeProblems, logicalTypeProblems } from './avro-schema.rules';
import { isJsonObject } from '../model/json-value';
import { outlineSchema } from '../model/schema-outline';
import type { FileProblem } from './catalog.types';

export interface ParsedRecordSchema {
  type: types.RecordType;
  canonical: string;
  fingerprint: string;
}

export type AvroSchemaResult = ({ ok: true } & ParsedRecordSchema) | { ok: false; problems: FileProblem[] };

export function parseRecordSchema(schema: unknown): AvroSchemaResult {
  const { nodes } = outlineSchema(schema);
  const shape = fieldShapeProblems(nodes);
  if (shape.length > 0) return { ok: false, problems: shape };
  const problems = logicalTypeProblems(nodes);
  // One avsc parse for a valid schema: generating a type's code is what loading costs, so the slower
  // diagnosis below runs only for a schema that failed.
  const parsed = parseLocated(schema as AvroSchemaInput, nodes);
  const type = parsed.ok ? parsed.type : undefined;
  if (!parsed.ok) problems.push(...diagnose(schema, parsed.problem));
  if (type !== undefined && type.typeName !== 'record') problems.push(notARecord(schema, type));
  if (type === undefined || problems.length > 0) return { ok: false, problems };
  // avsc's `schema()` with no options is the Parsing Canonical Form that Avro fingerprints are defined on.
  const canonical = JSON.stringify(type.schema());
  const fingerprint = createHash('sha256').update(canonical).digest('hex');
  return { ok: true, type: type as types.RecordType, canonical, fingerprint };
}

/**
 * avsc stops at its first error and cannot say which field a bad default belongs to. Parsing again
 * without field defaults separates the two cases: a structural error shows up again, located; otherwise
 * every default is probed on its own and each bad one is reported at its pointer.
 */
function diagnose(schema: unknown, firstError: FileProblem): FileProblem[] {
  const stripped = withoutFieldDefaults(schema);
  const structural = parseLocated(stripped.schema, stripped.nodes);
  if (!structural.ok) return [structural.problem];
  const defaults = fieldDefaultProblems(schema, structural.type);
  const problems = defaults.length > 0 ? defaults : [firstError];
  return structural.type.typeName === 'record'
    ? problems
    : [...problems, notARecord(schema, structural.type)];
}

function notARecord(schema: unknown, type: Type): FileProblem {
  const found = type.typeName.startsWith('union') ? 'a union' : type.typeName;
  return {
    pointer: isJsonObject(schema) ? '/type' : '',
    message: `the top-level type must be a record, found ${found}`,
  };
}
