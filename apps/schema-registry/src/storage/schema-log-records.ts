/**
 * The byte format of `_schemas` records, as Confluent Schema Registry writes them: the key is
 * JSON with properties in the order keytype, subject, version, magic (absent ones omitted), the
 * value is JSON or null (a tombstone). Keys must be byte-identical for the same logical key,
 * whoever wrote them, or compaction would keep both records; hence a hand-built key string
 * instead of JSON.stringify of whatever object the caller passed.
 */
import type { SchemaLogKey, SchemaLogKeyType, SchemaLogRecord } from '../registry/schema-log.port';
import { SchemaStorageError } from './schema-storage-errors';

const KNOWN_KEY_TYPES: ReadonlySet<string> = new Set<SchemaLogKeyType>([
  'SCHEMA',
  'CONFIG',
  'MODE',
  'DELETE_SUBJECT',
  'CLEAR_SUBJECT',
  'NOOP',
]);

export function serializeSchemaLogKey(key: SchemaLogKey): string {
  if (!KNOWN_KEY_TYPES.has(key.keytype)) {
    throw new SchemaStorageError('INVALID_RECORD', `unknown key type ${String(key.keytype)}`, false);
  }
  if (!Number.isSafeInteger(key.magic) || (key.version !== undefined && !Number.isSafeInteger(key.version))) {
    throw new SchemaStorageError('INVALID_RECORD', 'key magic and version must be integers', false);
  }
  const properties = [`"keytype":${JSON.stringify(key.keytype)}`];
  if (key.subject !== undefined) properties.push(`"subject":${JSON.stringify(key.subject)}`);
  if (key.version !== undefined) properties.push(`"version":${key.version}`);
  properties.push(`"magic":${key.magic}`);
  return `{${properties.join(',')}}`;
}

export function serializeSchemaLogValue(value: Record<string, unknown> | null): string | null {
  return value === null ? null : JSON.stringify(value);
}

/** What reading one raw record gave: a record to apply, or why it is skipped. */
export type ParsedSchemaLogRecord =
  | { readonly kind: 'record'; readonly record: SchemaLogRecord }
  | { readonly kind: 'unknown-keytype'; readonly keytype: string }
  | { readonly kind: 'unparsable'; readonly reason: string };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function parseKey(raw: Record<string, unknown>): SchemaLogKey | string {
  const { keytype, subject, version, magic } = raw;
  if (!Number.isSafeInteger(magic)) return 'the key has no integer magic';
  if (subject !== undefined && subject !== null && typeof subject !== 'string') {
    return 'the key subject is not a string';
  }
  if (version !== undefined && !Number.isSafeInteger(version)) return 'the key version is not an integer';
  return {
    keytype: keytype as SchemaLogKeyType,
    magic: magic as number,
    ...(subject !== undefined ? { subject } : {}),
    ...(version !== undefined ? { version: version as number } : {}),
  };
}

export function parseSchemaLogRecord(
  key: Buffer | null,
  value: Buffer | null,
  offset: bigint,
): ParsedSchemaLogRecord {
  const rawKey = key === null ? undefined : parseJson(key);
  if (!isObject(rawKey) || typeof rawKey['keytype'] !== 'string') {
    return { kind: 'unparsable', reason: 'the key is not a JSON object with a keytype' };
  }
  if (!KNOWN_KEY_TYPES.has(rawKey['keytype'])) return { kind: 'unknown-keytype', keytype: rawKey['keytype'] };
  const parsedKey = parseKey(rawKey);
  if (typeof parsedKey === 'string') return { kind: 'unparsable', reason: parsedKey };
  if (value === null) return { kind: 'record', record: { key: parsedKey, value: null, offset } };
  const parsedValue = parseJson(value);
  if (!isObject(parsedValue))
    return { kind: 'unparsable', reason: 'the value is neither null nor a JSON object' };
  return { kind: 'record', record: { key: parsedKey, value: parsedValue, offset } };
}
