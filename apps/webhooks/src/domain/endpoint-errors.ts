/**
 * The admin API's domain errors. The HTTP status of each is chosen in the app's one exception
 * filter (api/webhooks-exception.filter.ts), never here.
 */
import type { Retriable } from '@app/platform';

export interface RequestIssue {
  /** JSON pointer to the offending body field, path or query parameter, e.g. `/types/2`; `/` for the whole request. */
  readonly path: string;
  readonly message: string;
}

/**
 * The request was refused: `parameters` for the path or query (the request is malformed, 400),
 * `body` for a JSON body whose content breaks the endpoint rules (422). Nothing was written.
 */
export class InvalidEndpointRequestError extends Error {
  override name = 'InvalidEndpointRequestError';
  constructor(
    readonly part: 'parameters' | 'body',
    readonly issues: readonly RequestIssue[],
  ) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  }
}

/**
 * What the request names does not exist (404). `issue` points at the path parameter naming it.
 * Any not-found error of the admin API (deliveries too) extends this one, so the one exception
 * filter answers them alike.
 */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
  constructor(
    message: string,
    readonly issue: RequestIssue,
  ) {
    super(message);
  }
}

export class EndpointNotFoundError extends NotFoundError {
  override name = 'EndpointNotFoundError';
  constructor(readonly endpointId: string) {
    super(`no endpoint has id "${endpointId}"`, { path: '/id', message: 'no endpoint has this id' });
  }
}

/**
 * The request is well-formed but the resource's state refuses it (409), e.g. cancelling a job
 * that already finished. `issue` points at what is in the way.
 */
export class ConflictError extends Error {
  override name = 'ConflictError';
  constructor(
    message: string,
    readonly issue: RequestIssue,
  ) {
    super(message);
  }
}

/** No admin token, or not the configured one. */
export class AdminUnauthenticatedError extends Error {
  override name = 'AdminUnauthenticatedError';
  constructor(message = 'send the admin token as "Authorization: Bearer <WEBHOOKS_ADMIN_TOKEN>"') {
    super(message);
  }
}

/** PostgreSQL (or another dependency) could not answer; trying again later can succeed. */
export class EndpointsUnavailableError extends Error implements Retriable {
  override name = 'EndpointsUnavailableError';
  readonly retriable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
