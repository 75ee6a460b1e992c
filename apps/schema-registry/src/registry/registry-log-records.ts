/**
 * Confluent's `_schemas` record format, both ways: the keys and values the registry appends,
 * and the events it reads back. Keys are built with Confluent's property order (keytype,
 * subject, version, magic) so `JSON.stringify` of a key gives the same bytes Confluent writes,
 * which compaction relies on. Reading is tolerant: a record this registry does not understand
 * (another key type, a malformed value) changes nothing.
 */
import { isCompatibilityLevel, type AvroSchemaJson, type CompatibilityLevel } from '@app/schema';
import type { SchemaLogKey, SchemaLogRecord } from './schema-log.port';
import { canonicalAvroSchema } from './avro-canonical-form';
import {
  contentKeyOf,
  REGISTRY_MODES,
  type RegistryMode,
  type SchemaReference,
  type StoredVersion,
} from './registry-types';

type LogValue = Record<string, unknown>;

export function schemaKey(subject: string, version: number): SchemaLogKey {
  return { keytype: 'SCHEMA', subject, version, magic: 1 };
}

/** `subject` null is the global setting. */
export function configKey(subject: string | null): SchemaLogKey {
  return { keytype: 'CONFIG', subject, magic: 0 };
}

export function modeKey(subject: string | null): SchemaLogKey {
  return { keytype: 'MODE', subject, magic: 0 };
}

export function deleteSubjectKey(subject: string): SchemaLogKey {
  return { keytype: 'DELETE_SUBJECT', subject, magic: 0 };
}

export function schemaValue(version: Omit<StoredVersion, 'contentKey' | 'json'>): LogValue {
  return {
    subject: version.subject,
    version: version.version,
    id: version.id,
    schema: version.schema,
    deleted: version.deleted,
    ...(version.schemaType === 'AVRO' ? {} : { schemaType: version.schemaType }),
    ...(version.references.length > 0 ? { references: version.references } : {}),
  };
}

export function configValue(level: CompatibilityLevel): LogValue {
  return { compatibilityLevel: level };
}

export function modeValue(mode: RegistryMode): LogValue {
  return { mode };
}

/** Soft-deletes every version of `subject` up to and including `version`. */
export function deleteSubjectValue(subject: string, version: number): LogValue {
  return { subject, version };
}

export type RegistryEvent =
  | { readonly type: 'version-put'; readonly version: StoredVersion }
  | { readonly type: 'version-removed'; readonly subject: string; readonly version: number }
  | {
      readonly type: 'config';
      readonly subject: string | null;
      readonly level: CompatibilityLevel | undefined;
    }
  | { readonly type: 'mode'; readonly subject: string | null; readonly mode: RegistryMode | undefined }
  | { readonly type: 'subject-deleted'; readonly subject: string; readonly upToVersion: number }
  | { readonly type: 'subject-cleared'; readonly subject: string };

function isPositiveInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

function isReference(value: unknown): value is SchemaReference {
  if (typeof value !== 'object' || value === null) return false;
  const ref = value as Record<string, unknown>;
  return (
    typeof ref['name'] === 'string' && typeof ref['subject'] === 'string' && isPositiveInt(ref['version'])
  );
}

function parseSchemaJson(text: string): AvroSchemaJson | undefined {
  try {
    const json: unknown = JSON.parse(text);
    return typeof json === 'string' || (typeof json === 'object' && json !== null)
      ? (json as AvroSchemaJson)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The stored form of a version; Avro text is compared by its canonical form, other types as is. */
export function storedVersion(fields: Omit<StoredVersion, 'contentKey' | 'json'>): StoredVersion {
  const json = parseSchemaJson(fields.schema);
  const comparable =
    fields.schemaType === 'AVRO' && json !== undefined ? canonicalAvroSchema(json) : fields.schema;
  return { ...fields, json, contentKey: contentKeyOf(fields.schemaType, comparable) };
}

function decodeSchemaRecord(
  subject: string,
  version: number,
  value: LogValue | null,
): RegistryEvent | undefined {
  if (value === null) return { type: 'version-removed', subject, version };
  const { id, schema, deleted, schemaType, references } = value;
  if (!isPositiveInt(id) || typeof schema !== 'string') return undefined;
  const refs = Array.isArray(references) ? references.filter(isReference) : [];
  return {
    type: 'version-put',
    version: storedVersion({
      subject,
      version,
      id,
      schema,
      deleted: deleted === true,
      schemaType: typeof schemaType === 'string' ? schemaType : 'AVRO',
      references: refs,
    }),
  };
}

function isMode(value: unknown): value is RegistryMode {
  return typeof value === 'string' && (REGISTRY_MODES as readonly string[]).includes(value);
}

export function decodeRecord({ key, value }: SchemaLogRecord): RegistryEvent | undefined {
  const subject = typeof key.subject === 'string' ? key.subject : null;
  switch (key.keytype) {
    case 'SCHEMA':
      return subject !== null && isPositiveInt(key.version)
        ? decodeSchemaRecord(subject, key.version, value)
        : undefined;
    case 'CONFIG': {
      const level = value?.['compatibilityLevel'];
      return { type: 'config', subject, level: isCompatibilityLevel(level) ? level : undefined };
    }
    case 'MODE': {
      const mode = value?.['mode'];
      return { type: 'mode', subject, mode: isMode(mode) ? mode : undefined };
    }
    case 'DELETE_SUBJECT': {
      const upTo = value?.['version'];
      return subject !== null && isPositiveInt(upTo)
        ? { type: 'subject-deleted', subject, upToVersion: upTo }
        : undefined;
    }
    case 'CLEAR_SUBJECT':
      return subject !== null && value !== null ? { type: 'subject-cleared', subject } : undefined;
    default:
      return undefined;
  }
}
