/**
 * The error for a schema that is not valid Avro. Checking compatibility of an unparseable
 * schema has no answer, so the checker refuses instead of guessing; retrying never helps.
 */
export class InvalidAvroSchemaError extends Error {
  override name = 'InvalidAvroSchemaError';
  readonly retriable = false;

  constructor(
    /** Which schema was refused, e.g. `reader schema` or `previous schema #2`. */
    readonly label: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`${label} is not a valid Avro schema: ${reason}`, options);
  }
}
