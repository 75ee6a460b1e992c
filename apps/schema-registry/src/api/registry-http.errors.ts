/**
 * Errors that only exist at the HTTP edge: a body that is not JSON, a write without valid
 * credentials, a leader that could not be reached. The exception filter maps them like the
 * domain's errors.
 */
import type { Retriable } from '@app/platform';

export class MalformedRequestError extends Error implements Retriable {
  override name = 'MalformedRequestError';
  readonly retriable = false;
}

export class UnauthorizedWriteError extends Error implements Retriable {
  override name = 'UnauthorizedWriteError';
  readonly retriable = false;

  constructor(
    /** The schemes the client may use, for the WWW-Authenticate header. */
    readonly schemes: readonly ('Basic' | 'Bearer')[],
  ) {
    super('Unauthorized: write operations need valid credentials in the Authorization header');
  }
}

export class LeaderForwardingError extends Error implements Retriable {
  override name = 'LeaderForwardingError';
  readonly retriable = true;
}
