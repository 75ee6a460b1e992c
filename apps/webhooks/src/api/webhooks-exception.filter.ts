/**
 * The webhooks API's one exception filter: every error becomes an RFC 9457 problem
 * (`application/problem+json`) whose `errors` array is always there. A refused path or query
 * parameter is 400 and a refused body 422 (the issues the use case found, with JSON pointers);
 * an unknown endpoint (or anything a NotFoundError names) 404 at the parameter naming it; a state
 * that refuses the request (a ConflictError: cancelling a finished job) 409; no or a wrong admin
 * token 401 with `WWW-Authenticate`;
 * PostgreSQL out of reach 503 with `Retry-After`; the framework's own client errors keep their
 * status with one entry at `/` (a body that is not JSON 400, too large 413, of another type 415,
 * an unknown route 404). Anything else is a 500 with an empty list and no internals. Registered
 * app-wide, so errors raised before a route runs (the admin hooks, body parsing) get the same form.
 */
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { throwError, type Observable } from 'rxjs';
import { PROBLEM_JSON, type HttpAppOptions } from '@app/platform';
import {
  AdminUnauthenticatedError,
  ConflictError,
  EndpointsUnavailableError,
  InvalidEndpointRequestError,
  NotFoundError,
  type RequestIssue,
} from '../domain/endpoint-errors';

export interface Problem {
  readonly type: 'about:blank';
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly errors: readonly RequestIssue[];
}

interface Answer {
  readonly problem: Problem;
  readonly headers?: Readonly<Record<string, string>>;
}

export function problem(status: number, detail: string, errors: readonly RequestIssue[]): Problem {
  return { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail, errors };
}

/** A 4xx raised by Nest (unknown route, 415 from a controller) or Fastify (body parsing, hooks). */
function clientErrorStatus(error: unknown): number | undefined {
  const status =
    error instanceof HttpException
      ? error.getStatus()
      : (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

export function answerFor(error: unknown): Answer | undefined {
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
  const status = clientErrorStatus(error);
  if (status === undefined) return undefined;
  const detail = (error as Error).message;
  return { problem: problem(status, detail, [{ path: '/', message: detail }]) };
}

@Catch()
export class WebhooksExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('WebhooksApi');

  catch(error: unknown, host: ArgumentsHost): Observable<never> | undefined {
    if (host.getType() !== 'http') return throwError(() => error);
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    let answer = answerFor(error);
    if (answer === undefined) {
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      answer = { problem: problem(500, 'the request failed', []) };
    }
    void reply
      .status(answer.problem.status)
      .headers({ ...answer.headers, 'content-type': PROBLEM_JSON })
      .send(answer.problem);
    return undefined;
  }
}

/**
 * For createHttpApp / runService's `http`: the problems of requests Fastify's router refuses
 * before any Nest code runs (a path that is not percent-encoded UTF-8, a path parameter over the
 * limit), in the same form, `errors` included.
 */
export const WEBHOOKS_HTTP_OPTIONS: HttpAppOptions = {
  routerErrorBody: (error) => ({
    contentType: PROBLEM_JSON,
    body: problem(
      error.status,
      error.detail,
      error.status < 500 ? [{ path: '/', message: error.detail }] : [],
    ),
  }),
};
