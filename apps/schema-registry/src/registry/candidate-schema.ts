/**
 * Turns the schema part of a request body (`schema`, `schemaType`, `references`, and the `id` /
 * `version` of an IMPORT) into a checked candidate, or refuses it with the reason. This is the
 * use-case boundary: whatever transport a request came by, it gets the same checks.
 */
import { checkCompatibility, InvalidAvroSchemaError, type AvroSchemaJson } from '@app/schema';
import { canonicalAvroSchema } from './avro-canonical-form';
import { InvalidSchemaError, SchemaTooLargeError } from './registry-errors';
import { contentKeyOf } from './registry-types';
import { MAX_VERSION, parseImportVersion } from './version-id';

/** The request fields a schema arrives in, unchecked. */
export interface SchemaInput {
  readonly schema?: unknown;
  readonly schemaType?: unknown;
  readonly references?: unknown;
  readonly id?: unknown;
  readonly version?: unknown;
}

export interface CandidateSchema {
  readonly schemaType: 'AVRO';
  readonly json: AvroSchemaJson;
  /** The text stored for it: canonical JSON (see avro-canonical-form). */
  readonly canonical: string;
  readonly contentKey: string;
  /** IMPORT mode only: the id and version the schema must keep. */
  readonly importId: number | undefined;
  readonly importVersion: number | undefined;
}

/** Bound on schema text (UTF-8 bytes); Confluent's default Kafka message limit is about this size. */
export const MAX_SCHEMA_BYTES = 1024 * 1024;

/**
 * Bound on JSON nesting. Parsing, canonical form and the compatibility check all recurse, so a
 * deep enough schema would overflow the stack; real schemas stay far below this.
 */
export const MAX_SCHEMA_NESTING = 300;

/** Nesting depth of parsed JSON, walked without recursion so the walk itself cannot overflow. */
function nestingDepth(json: unknown): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[json, 0]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [value, depth] = next;
    if (typeof value !== 'object' || value === null) continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > MAX_SCHEMA_NESTING) return deepest;
    for (const child of Object.values(value)) pending.push([child, depth + 1]);
  }
  return deepest;
}

function checkSchemaType(schemaType: unknown): void {
  if (schemaType === undefined || schemaType === null || schemaType === 'AVRO') return;
  if (schemaType === 'JSON' || schemaType === 'PROTOBUF') {
    throw new InvalidSchemaError(
      `Invalid schema: schemaType ${schemaType} is not supported by this registry, which registers AVRO only`,
    );
  }
  throw new InvalidSchemaError(`Invalid schema: unknown schemaType ${JSON.stringify(schemaType)}`);
}

function checkReferences(references: unknown): void {
  if (references === undefined || references === null) return;
  if (!Array.isArray(references)) throw new InvalidSchemaError('Invalid schema: references must be a list');
  if (references.length > 0) {
    throw new InvalidSchemaError('Invalid schema: schema references are not supported by this registry');
  }
}

function parseImportId(id: unknown): number | undefined {
  if (id === undefined || id === null || id === -1) return undefined;
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id > MAX_VERSION) {
    throw new InvalidSchemaError(`Invalid schema: id ${JSON.stringify(id)} is not an integer in [1, 2^31-1]`);
  }
  return id;
}

function isAvroSchemaJson(value: unknown): value is AvroSchemaJson {
  return typeof value === 'string' || Array.isArray(value) || (typeof value === 'object' && value !== null);
}

function parseAvro(text: string): AvroSchemaJson {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidSchemaError(`Invalid schema: the schema is not valid JSON: ${reason}`);
  }
  if (!isAvroSchemaJson(json)) {
    throw new InvalidSchemaError('Invalid schema: an Avro schema is a JSON string, array or object');
  }
  if (nestingDepth(json) > MAX_SCHEMA_NESTING) {
    throw new InvalidSchemaError(`Invalid schema: nested more than ${MAX_SCHEMA_NESTING} levels deep`);
  }
  try {
    // NONE with no earlier versions only parses: the same parser the compatibility check uses.
    checkCompatibility('NONE', json, []);
  } catch (error) {
    if (error instanceof InvalidAvroSchemaError) {
      throw new InvalidSchemaError(`Invalid schema: not a valid Avro schema: ${error.reason}`);
    }
    throw error;
  }
  return json;
}

export function parseCandidateSchema(input: SchemaInput): CandidateSchema {
  checkSchemaType(input.schemaType);
  checkReferences(input.references);
  if (typeof input.schema !== 'string' || input.schema.trim().length === 0) {
    throw new InvalidSchemaError('Empty schema: the request needs a "schema" string');
  }
  const bytes = Buffer.byteLength(input.schema, 'utf8');
  if (bytes > MAX_SCHEMA_BYTES) throw new SchemaTooLargeError(bytes, MAX_SCHEMA_BYTES);
  const json = parseAvro(input.schema);
  const canonical = canonicalAvroSchema(json);
  return {
    schemaType: 'AVRO',
    json,
    canonical,
    contentKey: contentKeyOf('AVRO', canonical),
    importId: parseImportId(input.id),
    importVersion: parseImportVersion(input.version === -1 ? undefined : input.version),
  };
}
