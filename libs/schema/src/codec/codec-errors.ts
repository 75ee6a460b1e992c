/**
 * Errors of the Confluent wire-format codec. Each says whether retrying can help: a registry
 * that did not answer may answer later; bytes that do not decode never will, and a consumer
 * must dead-letter them instead of retrying forever.
 */
export type CodecErrorCode =
  | 'BAD_MAGIC_BYTE'
  | 'TRUNCATED_MESSAGE'
  | 'TRAILING_BYTES'
  | 'UNKNOWN_SCHEMA_ID'
  | 'SCHEMA_LOOKUP_FAILED'
  | 'UNRESOLVABLE_SCHEMAS'
  | 'INVALID_DATA';

export class CodecError extends Error {
  override name = 'CodecError';

  constructor(
    readonly code: CodecErrorCode,
    message: string,
    readonly retriable = false,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
