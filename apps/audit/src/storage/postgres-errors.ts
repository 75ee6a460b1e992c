/**
 * Which PostgreSQL failures are worth retrying in place, by the SQLSTATE rules of
 * `@app/persistence`. Only what a particular record causes fails the same way every time and goes
 * to the dead-letter topic at once: bad data (class 22) and integrity violations (class 23) other
 * than a unique violation, which only happens when another instance stored the same event id
 * between our duplicate check and our insert (the retry then sees it as a duplicate). Everything
 * else is about the database, not the record, and is retried: dead-lettering a whole backlog
 * because the database was briefly unusable would need a manual replay for nothing.
 */
import { isTransientPgError, isUniqueViolation, PositionConflictError, sqlState } from '@app/persistence';
import { AuditWriteError } from '../domain/audit-errors';

export function toAuditWriteError(error: unknown): AuditWriteError {
  if (error instanceof AuditWriteError) return error;
  // Another writer moved the partition's position (a zombie after a rebalance): redelivery reads it again.
  if (error instanceof PositionConflictError) {
    return new AuditWriteError(error.message, { retriable: true, cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  const code = sqlState(error);
  if (code !== undefined) {
    const retriable = isUniqueViolation(error) || isTransientPgError(error);
    return new AuditWriteError(`PostgreSQL ${code}: ${message}`, { retriable, cause: error });
  }
  // No SQLSTATE: a socket error (ECONNREFUSED, ETIMEDOUT) or a pool timeout — transient.
  return new AuditWriteError(`cannot reach PostgreSQL: ${message}`, { retriable: true, cause: error });
}
