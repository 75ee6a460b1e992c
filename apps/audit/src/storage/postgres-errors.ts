/**
 * Which PostgreSQL failures are worth retrying in place. A failed connection, a deadlock, a
 * serialization failure or an admin shutdown pass; so does a unique violation, which only
 * happens when another instance stored the same event id (from another partition) between our
 * duplicate check and our insert, and the retry then sees it as a duplicate. Bad data (class
 * 22, e.g. a NUL character JSONB refuses) and other constraint or schema errors will fail the
 * same way every time, so they go to the dead-letter topic at once.
 */
import { PositionConflictError } from '@app/persistence';
import { AuditWriteError } from '../domain/audit-errors';

const RETRIABLE_CODES = new Set(['23505', '40001', '40P01', '55P03', '57P01', '57P02', '57P03']);
/** Connection exceptions, insufficient resources, operator intervention, system errors. */
const RETRIABLE_CLASSES = new Set(['08', '53', '57', '58']);

export function toAuditWriteError(error: unknown): AuditWriteError {
  if (error instanceof AuditWriteError) return error;
  // Another writer moved the partition's position (a zombie after a rebalance): redelivery reads it again.
  if (error instanceof PositionConflictError) {
    return new AuditWriteError(error.message, { retriable: true, cause: error });
  }
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
    const retriable = RETRIABLE_CODES.has(code) || RETRIABLE_CLASSES.has(code.slice(0, 2));
    return new AuditWriteError(`PostgreSQL ${code}: ${message}`, { retriable, cause: error });
  }
  // No SQLSTATE: a socket error (ECONNREFUSED, ETIMEDOUT) or a pool timeout — transient.
  return new AuditWriteError(`cannot reach PostgreSQL: ${message}`, { retriable: true, cause: error });
}
