/**
 * What a PostgreSQL failure means, read from its SQLSTATE (PostgreSQL manual, appendix A) once
 * for every app, instead of each adapter matching codes of its own:
 *
 * - a **record** failure (class 22, data exception; class 23, integrity constraint violation) is
 *   caused by the data written and fails the same way every time: a consumer dead-letters it;
 * - a **unique violation** (23505) is the one integrity violation an adapter usually expects:
 *   someone else stored the same key first (an idempotency row, a duplicate event);
 * - everything else is about the database, not the data (a connection, a deadlock, a failover to
 *   a read-only node, rotated credentials, a missing schema, an internal error): **transient**,
 *   retrying the same statement later can succeed;
 * - **unavailable** is the narrower part of that an API answers 503 for: the database is out of
 *   reach or too busy right now (connection exceptions, resources, operator intervention,
 *   system errors, serialization failures, deadlocks, lock timeouts, socket errors).
 */

/** The SQLSTATEs Herald's adapters name. */
export const SqlState = {
  uniqueViolation: '23505',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
  lockNotAvailable: '55P03',
  undefinedTable: '42P01',
  adminShutdown: '57P01',
} as const;

/** Five characters; no SQLSTATE class starts with E, so a Node socket code (EPIPE) is not one. */
const SQLSTATE = /^[0-9A-DF-Z][0-9A-Z]{4}$/;

/** Data exceptions and integrity constraint violations: what a particular record causes. */
const RECORD_CLASSES = new Set(['22', '23']);
/** Connection exceptions, insufficient resources, operator intervention, system errors. */
const UNAVAILABLE_CLASSES = new Set(['08', '53', '57', '58']);
const UNAVAILABLE_CODES = new Set<string>([
  SqlState.serializationFailure,
  SqlState.deadlockDetected,
  SqlState.lockNotAvailable,
]);
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);
/** What the pg pool throws, without a code, when it cannot hand out a connection. */
const POOL_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|Client has encountered a connection error/;

function codeOf(error: unknown): unknown {
  return (error as { code?: unknown } | null | undefined)?.code;
}

/** The error's SQLSTATE when PostgreSQL raised it; undefined for anything else (a socket error, a pool timeout). */
export function sqlState(error: unknown): string | undefined {
  const code = codeOf(error);
  return typeof code === 'string' && SQLSTATE.test(code) ? code : undefined;
}

/** 23505: another writer stored the same key first. */
export function isUniqueViolation(error: unknown): boolean {
  return sqlState(error) === SqlState.uniqueViolation;
}

/** Class 22 or 23: the data written causes it, and it fails the same way every time. */
export function isRecordPgError(error: unknown): boolean {
  const state = sqlState(error);
  return state !== undefined && RECORD_CLASSES.has(state.slice(0, 2));
}

/**
 * Of a failure of the pg driver or pool: whether retrying the same statement later can succeed,
 * i.e. the database, not the data, caused it (any SQLSTATE outside classes 22 and 23, or no
 * SQLSTATE at all: the server could not be reached).
 */
export function isTransientPgError(error: unknown): boolean {
  return !isRecordPgError(error);
}

/** PostgreSQL is out of reach or too busy right now (an API answers 503 with Retry-After). */
export function isPgUnavailable(error: unknown): boolean {
  const code = codeOf(error);
  if (typeof code === 'string') {
    return UNAVAILABLE_CLASSES.has(code.slice(0, 2)) || UNAVAILABLE_CODES.has(code) || SOCKET_CODES.has(code);
  }
  const message = error instanceof Error ? error.message : String(error);
  return POOL_MESSAGES.test(message);
}
