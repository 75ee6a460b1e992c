/**
 * The registry's vocabulary: modes, schema versions as stored, and the shapes its use cases
 * answer with (Confluent's JSON field names, so the API can return them unchanged).
 */
import type { AvroSchemaJson, CompatibilityLevel } from '@app/schema';

export const REGISTRY_MODES = ['READWRITE', 'READONLY', 'IMPORT'] as const;
export type RegistryMode = (typeof REGISTRY_MODES)[number];

export const DEFAULT_COMPATIBILITY_LEVEL: CompatibilityLevel = 'BACKWARD';
export const DEFAULT_MODE: RegistryMode = 'READWRITE';

/** Herald registers Avro only; other types read from a shared `_schemas` topic are still served. */
export const SUPPORTED_SCHEMA_TYPES = ['AVRO'] as const;

export interface SchemaReference {
  readonly name: string;
  readonly subject: string;
  readonly version: number;
}

/** One subject version as the `_schemas` log holds it. */
export interface StoredVersion {
  readonly subject: string;
  readonly version: number;
  readonly id: number;
  /** The schema text exactly as recorded in the log. */
  readonly schema: string;
  readonly schemaType: string;
  readonly references: readonly SchemaReference[];
  readonly deleted: boolean;
  /** What the registry compares schemas by: the type plus the canonical form of the schema. */
  readonly contentKey: string;
  /** The parsed schema, or undefined when the recorded text is not JSON. */
  readonly json: AvroSchemaJson | undefined;
}

/** `GET /subjects/{s}/versions/{v}` and the lookup answer. */
export interface SchemaVersionView {
  readonly subject: string;
  readonly version: number;
  readonly id: number;
  readonly schemaType?: string;
  readonly references?: readonly SchemaReference[];
  readonly schema: string;
}

/** `GET /schemas/ids/{id}`. */
export interface SchemaByIdView {
  readonly schemaType?: string;
  readonly references?: readonly SchemaReference[];
  readonly schema: string;
}

export interface SubjectVersionPair {
  readonly subject: string;
  readonly version: number;
}

/** Confluent omits `schemaType` for Avro and `references` when there are none. */
export function schemaFields(
  stored: Pick<StoredVersion, 'schemaType' | 'references' | 'schema'>,
): SchemaByIdView {
  return {
    ...(stored.schemaType === 'AVRO' ? {} : { schemaType: stored.schemaType }),
    ...(stored.references.length > 0 ? { references: stored.references } : {}),
    schema: stored.schema,
  };
}

export function versionView(stored: StoredVersion): SchemaVersionView {
  return { subject: stored.subject, version: stored.version, id: stored.id, ...schemaFields(stored) };
}

export function contentKeyOf(schemaType: string, canonicalSchema: string): string {
  return `${schemaType}\n${canonicalSchema}`;
}
