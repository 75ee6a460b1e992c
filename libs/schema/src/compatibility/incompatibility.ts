/**
 * What the checker reports: one entry per reason a reader cannot read a writer's data, with the
 * same six kinds and the same locations as Apache Avro's Java `SchemaCompatibility`, so results
 * line up with what the Confluent registry says, and the spot in each schema for tools that
 * point an author at a line.
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
  /**
   * The location as Java reports it: a JSON pointer into the reader schema, `/` for its root, e.g.
   * `/fields/2/type/items`, plus the writer's branch index where the writer is a union and the
   * reader is not (`/fields/0/type/1`: the reader field's type cannot read the writer's branch 1).
   */
  readonly path: string;
  /** The spot in the reader schema itself, without Java's writer branch indexes. */
  readonly readerPath: string;
  /** The same spot in the writer schema (for a field the writer lacks, its record's `fields`). */
  readonly writerPath: string;
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
