/**
 * The webhooks API's errors as RFC 9457 problems, through the platform's one problem+json filter
 * (`ProblemExceptionFilter`, registered app-wide, so errors raised before a route runs — the
 * admin hooks, body parsing — get the same form, as do the framework's client errors and a bare
 * 500): a refused path or query parameter is 400 and a refused body 422 (the issues the use case
 * found, with JSON pointers); an unknown endpoint (or anything a NotFoundError names) 404 at the
 * parameter naming it; a state that refuses the request (a ConflictError: cancelling a finished
 * job) 409; no or a wrong admin token 401 with `WWW-Authenticate`; PostgreSQL out of reach 503
 * with `Retry-After`. WEBHOOKS_HTTP_OPTIONS gives the same form to the requests Fastify's router
 * refuses itself.
 */
import { Catch } from '@nestjs/common';
import { problem, ProblemExceptionFilter, problemHttpOptions, type ProblemAnswer } from '@app/platform';
import {
  AdminUnauthenticatedError,
  ConflictError,
  EndpointsUnavailableError,
  InvalidEndpointRequestError,
  NotFoundError,
} from '../domain/endpoint-errors';

export function webhooksProblem(error: unknown): ProblemAnswer | undefined {
  if (error instanceof InvalidEndpointRequestError) {
    return { problem: problem(error.part === 'body' ? 422 : 400, error.message, error.issues) };
  }
  if (error instanceof NotFoundError) return { problem: problem(404, error.message, [error.issue]) };
  if (error instanceof ConflictError) return { problem: problem(409, error.message, [error.issue]) };
  if (error instanceof AdminUnauthenticatedError) {
    return {
      problem: problem(401, error.message, [{ path: '/', message: error.message }]),
      headers: { 'www-authenticate': 'Bearer realm="herald-webhooks"' },
    };
  }
  if (error instanceof EndpointsUnavailableError) {
    return { problem: problem(503, error.message, []), headers: { 'retry-after': '1' } };
  }
  return undefined;
}

@Catch()
export class WebhooksExceptionFilter extends ProblemExceptionFilter {
  constructor() {
    super('WebhooksApi', webhooksProblem);
  }
}

export const WEBHOOKS_HTTP_OPTIONS = problemHttpOptions();
