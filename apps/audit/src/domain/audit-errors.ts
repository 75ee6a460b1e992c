/**
 * Audit's domain errors. The HTTP status is chosen in the app's one exception filter; the
 * Kafka handler turns `retriable` into retry-in-place or dead-letter.
 */
import type { Retriable } from '@app/platform';

export interface RequestIssue {
  /** JSON pointer to the offending query parameter or body field, e.g. `/limit`. */
  readonly path: string;
  readonly message: string;
}

export class InvalidAuditRequestError extends Error {
  override name = 'InvalidAuditRequestError';
  constructor(readonly issues: readonly RequestIssue[]) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  }
}

export class AuditEventNotFoundError extends Error {
  override name = 'AuditEventNotFoundError';
  constructor(readonly eventId: string) {
    super(`no audited event has id "${eventId}"`);
  }
}

/** The event could not be stored; `retriable` says whether trying again can succeed. */
export class AuditWriteError extends Error implements Retriable {
  override name = 'AuditWriteError';
  readonly retriable: boolean;
  constructor(message: string, options: { retriable: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.retriable = options.retriable;
  }
}
