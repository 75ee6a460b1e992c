/**
 * Errors that only exist at the HTTP edge: a body that is not JSON, a write without valid
 * credentials, a leader that could not be reached. The exception filter maps them like the
 * domain's errors.
 */

export class MalformedRequestError extends Error {
  override name = 'MalformedRequestError';
  readonly retriable = false;
}

export class UnauthorizedWriteError extends Error {
  override name = 'UnauthorizedWriteError';
  readonly retriable = false;

  constructor(
    /** The schemes the client may use, for the WWW-Authenticate header. */
    readonly schemes: readonly ('Basic' | 'Bearer')[],
  ) {
    super('Unauthorized: write operations need valid credentials in the Authorization header');
  }
}

export class LeaderForwardingError extends Error {
  override name = 'LeaderForwardingError';
  readonly retriable = true;
}
