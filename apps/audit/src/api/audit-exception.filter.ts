/**
 * The audit API's one exception filter: every error becomes an RFC 9457 problem
 * (`application/problem+json`) whose `errors` array is always there, one entry per problem with
 * the input: invalid input 400 (the issues the use case found), an unknown event id 404 (at
 * `/eventId`), the framework's own client errors with their status and one entry at `/` (the
 * request as a whole): a body that is not JSON 400, too large 413, of another type 415, an
 * unknown route 404. Anything else is a 500 with an empty list and no internals. Registered
 * app-wide so errors raised before a route runs get the same form; AUDIT_HTTP_OPTIONS gives it to
 * the ones Fastify's router answers itself. Errors of the Kafka edge pass through untouched: the
 * consumer runtime reads HandlerError's `retriable` flag from them.
 */
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { throwError, type Observable } from 'rxjs';
import { PROBLEM_JSON, type HttpAppOptions } from '@app/platform';
import { AuditEventNotFoundError, InvalidAuditRequestError, type RequestIssue } from '../domain/audit-errors';
import { MAX_TEXT_LENGTH } from '../domain/audit-requests';

export interface Problem {
  readonly type: 'about:blank';
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly errors: readonly RequestIssue[];
}

function problem(status: number, detail: string, errors: readonly RequestIssue[]): Problem {
  return { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail, errors };
}

/** A 4xx raised by Nest (unknown route, 415 from the controller) or Fastify (body parsing). */
function clientErrorStatus(error: unknown): number | undefined {
  const status =
    error instanceof HttpException
      ? error.getStatus()
      : (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

function problemFor(error: unknown): Problem | undefined {
  if (error instanceof InvalidAuditRequestError) return problem(400, error.message, error.issues);
  if (error instanceof AuditEventNotFoundError) {
    return problem(404, error.message, [{ path: '/eventId', message: 'no audited event has this id' }]);
  }
  const status = clientErrorStatus(error);
  if (status === undefined) return undefined;
  const detail = (error as Error).message;
  return problem(status, detail, [{ path: '/', message: detail }]);
}

@Catch()
export class AuditExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('AuditApi');

  catch(error: unknown, host: ArgumentsHost): Observable<never> | undefined {
    if (host.getType() !== 'http') return throwError(() => error);
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    let answer = problemFor(error);
    if (answer === undefined) {
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      answer = problem(500, 'the request failed', []);
    }
    void reply.status(answer.status).header('content-type', PROBLEM_JSON).send(answer);
    return undefined;
  }
}

/**
 * For createHttpApp / createFastifyAdapter: the problems of requests Fastify's router refuses
 * before any Nest code runs (a path that is not percent-encoded UTF-8, a path parameter over the
 * limit). The router measures the parameter still percent-encoded, at most 9 characters per
 * UTF-16 unit, so every event id the API accepts (MAX_TEXT_LENGTH units) routes and gets the
 * API's own 400/404 rather than a router error.
 */
export const AUDIT_HTTP_OPTIONS: HttpAppOptions = {
  maxParamLength: MAX_TEXT_LENGTH * 9,
  routerErrorBody: (error) => ({
    contentType: PROBLEM_JSON,
    body: problem(
      error.status,
      error.detail,
      error.status < 500 ? [{ path: '/', message: error.detail }] : [],
    ),
  }),
};
