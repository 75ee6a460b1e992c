/**
 * What the checker reports: one entry per reason a reader cannot read a writer's data, with the
 * same six kinds and the same JSON-pointer locations (into the reader schema) as Apache Avro's
 * Java `SchemaCompatibility`, so results line up with what the Confluent registry says.
 */
export const INCOMPATIBILITY_TYPES = [
  'READER_FIELD_MISSING_DEFAULT_VALUE',
  'TYPE_MISMATCH',
  'MISSING_ENUM_SYMBOLS',
  'MISSING_UNION_BRANCH',
  'NAME_MISMATCH',
  'FIXED_SIZE_MISMATCH',
] as const;

export type IncompatibilityType = (typeof INCOMPATIBILITY_TYPES)[number];

export interface Incompatibility {
  readonly type: IncompatibilityType;
  /** JSON pointer into the reader schema, `/` for its root, e.g. `/fields/2/type/items`. */
  readonly path: string;
  /** A sentence a schema author can act on. */
  readonly message: string;
}

/**
 * The pointer for a list of reference tokens; the root is `/`, as Java writes it. Tokens are
 * schema keywords and indexes, which never contain the `~` or `/` that pointers escape.
 */
export function jsonPointer(tokens: readonly string[]): string {
  return `/${tokens.join('/')}`;
}
