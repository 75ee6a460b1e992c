/**
 * Array parameters for bulk statements (`unnest($1::text[], $2::int[], …)`), encoded as
 * PostgreSQL array literals in one pass. node-postgres can take a JS array, but it prepares
 * and escapes each element through generic code, and a JSON parameter makes PostgreSQL parse
 * JSON per row: on the gateway's idempotency writes, a JSON row set cost PostgreSQL far more CPU
 * per row than `unnest` of literals (figures in docs/benchmarks.md).
 */

const NEEDS_ESCAPE = /["\\]/;
const ESCAPED = /["\\]/g;

/**
 * `{"a","b\"c"}`: every element quoted, `"` and `\` escaped, so any string survives
 * (including `NULL`, commas, braces and spaces). Refuses what PostgreSQL would not store as
 * sent: U+0000, and lone surrogates (the parameter travels as UTF-8, where they become U+FFFD).
 */
export function textArrayLiteral(values: readonly string[]): string {
  let literal = '{';
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (value.includes('\0') || !value.isWellFormed()) {
      throw new RangeError(`not storable as PostgreSQL text: ${JSON.stringify(value.slice(0, 60))}`);
    }
    if (i > 0) literal += ',';
    literal += NEEDS_ESCAPE.test(value) ? `"${value.replace(ESCAPED, '\\$&')}"` : `"${value}"`;
  }
  return `${literal}}`;
}

/** `{1,2,3}` for an `int[]`/`bigint[]` parameter; refuses anything but safe integers. */
export function integerArrayLiteral(values: readonly number[]): string {
  for (const value of values) {
    if (!Number.isSafeInteger(value)) throw new RangeError(`not a safe integer: ${value}`);
  }
  return `{${values.join(',')}}`;
}
