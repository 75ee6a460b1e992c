/**
 * Which PostgreSQL failures are worth retrying in place. Only what a particular record causes
 * fails the same way every time and goes to the dead-letter topic at once: bad data (class 22)
 * and integrity violations (class 23) other than a unique violation, which only happens when
 * another instance stored the same event id between our duplicate check and our insert (the
 * retry then sees it as a duplicate). Everything else is about the database, not the record — a
 * connection, a deadlock, a failover to a read-only node (25006), rotated credentials (28xxx), a
 * missing schema, an internal error — and is retried: dead-lettering a whole backlog because the
 * database was briefly unusable would need a manual replay for nothing.
 */
import { PositionConflictError } from '@app/persistence';
import { AuditWriteError } from '../domain/audit-errors';

/** Classes a record causes: data exceptions, integrity constraint violations. */
const RECORD_CLASSES = new Set(['22', '23']);
const RETRIABLE_CODES = new Set(['23505']);

export function toAuditWriteError(error: unknown): AuditWriteError {
  if (error instanceof AuditWriteError) return error;
  // Another writer moved the partition's position (a zombie after a rebalance): redelivery reads it again.
  if (error instanceof PositionConflictError) {
    return new AuditWriteError(error.message, { retriable: true, cause: error });
  }
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
    const retriable = RETRIABLE_CODES.has(code) || !RECORD_CLASSES.has(code.slice(0, 2));
    return new AuditWriteError(`PostgreSQL ${code}: ${message}`, { retriable, cause: error });
  }
  // No SQLSTATE: a socket error (ECONNREFUSED, ETIMEDOUT) or a pool timeout — transient.
  return new AuditWriteError(`cannot reach PostgreSQL: ${message}`, { retriable: true, cause: error });
}
