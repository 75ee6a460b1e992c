/**
 * Errors of the registry's Kafka storage (the `_schemas` log and the leader election). Each
 * says whether retrying can help: a read-back that timed out or a broker that did not answer
 * may succeed later; a misconfigured topic or a stopped log never will.
 */
import type { Retriable } from '@app/platform';

export type SchemaStorageErrorCode =
  | 'TOPIC_MISCONFIGURED'
  | 'INVALID_RECORD'
  | 'NOT_RUNNING'
  | 'OFFSETS_UNAVAILABLE'
  | 'CATCH_UP_TIMEOUT'
  | 'APPEND_FAILED'
  | 'READER_FAILED'
  | 'ELECTION_TIMEOUT';

export class SchemaStorageError extends Error implements Retriable {
  override name = 'SchemaStorageError';

  constructor(
    readonly code: SchemaStorageErrorCode,
    message: string,
    readonly retriable: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Where storage classes report skipped records and background failures; Nest's Logger fits. */
export interface SchemaStorageLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
