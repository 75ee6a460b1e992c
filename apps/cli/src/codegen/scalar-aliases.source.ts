/**
 * The text of the generated `avro-json.ts`: one type alias per JSON representation that is not a
 * plain JSON value (docs/json-avro-mapping.md). The version modules use these aliases instead of a
 * bare `string` or `number` so that hovering a field tells how its value is written.
 */
export function renderScalarAliases(header: string): string {
  return `${header}
/**
 * Avro \`long\`: an integer number within ±2^53 (\`Number.MAX_SAFE_INTEGER\`), a decimal string
 * (\`"9223372036854775807"\`) beyond. Output uses a number whenever it is exact, a string otherwise.
 */
export type Long = number | string;

/** Avro \`float\`: a number, or one of the four values JSON numbers cannot carry, as a string. */
export type Float = number | 'NaN' | 'Infinity' | '-Infinity' | '-0';

/** Avro \`double\`: a number, or one of the four values JSON numbers cannot carry, as a string. */
export type Double = number | 'NaN' | 'Infinity' | '-Infinity' | '-0';

/** Avro \`bytes\`: base64 text. */
export type Bytes = string;

/** Avro \`string\` with logical type \`uuid\`: a UUID string. */
export type Uuid = string;

/** Avro \`int\` with logical type \`date\`: a calendar date, \`"YYYY-MM-DD"\`. */
export type CalendarDate = string;

/** Avro \`timestamp-millis\`/\`timestamp-micros\` as output: RFC 3339 UTC (\`"2026-11-26T10:15:00.123Z"\`). */
export type Timestamp = string;

/**
 * Avro \`timestamp-millis\`/\`timestamp-micros\` as input: RFC 3339 text with any offset (no finer than
 * the schema's unit), or an integer count of the unit since the Unix epoch.
 */
export type TimestampInput = string | number;

/** Avro \`decimal\` as output: a decimal string with exactly \`scale\` decimals (\`"1234.50"\`). */
export type Decimal = string;

/**
 * Avro \`decimal\` as input: a decimal string (\`"1234.5"\`) or a number, with at most \`scale\`
 * decimals and \`precision\` digits. Strings keep large amounts exact.
 */
export type DecimalInput = string | number;
`;
}
