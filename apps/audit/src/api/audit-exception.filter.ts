/**
 * The audit API's one exception filter: every error becomes an RFC 9457 problem
 * (`application/problem+json`): invalid input 400 with one entry per problem, an unknown event
 * id 404, Fastify's own client errors (a malformed JSON body) with their 4xx status, anything
 * else 500 without internals. Registered app-wide so errors raised before a route runs (a body
 * that is not JSON, an unknown path) get the same form. Errors of the Kafka edge pass through
 * untouched: the consumer runtime reads HandlerError's `retriable` flag from them.
 */
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { throwError, type Observable } from 'rxjs';
import { AuditEventNotFoundError, InvalidAuditRequestError, type RequestIssue } from '../domain/audit-errors';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly errors?: readonly RequestIssue[];
}

function clientErrorStatus(error: unknown): number | undefined {
  const status =
    error instanceof HttpException
      ? error.getStatus()
      : (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

function problemFor(error: unknown): Problem | undefined {
  if (error instanceof InvalidAuditRequestError) {
    return {
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: error.message,
      errors: error.issues,
    };
  }
  if (error instanceof AuditEventNotFoundError) {
    return { type: 'about:blank', title: 'Not Found', status: 404, detail: error.message };
  }
  const status = clientErrorStatus(error);
  if (status === undefined) return undefined;
  const title = STATUS_CODES[status] ?? 'Client Error';
  return { type: 'about:blank', title, status, detail: (error as Error).message };
}

@Catch()
export class AuditExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('AuditApi');

  catch(error: unknown, host: ArgumentsHost): Observable<never> | undefined {
    if (host.getType() !== 'http') return throwError(() => error);
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    let problem = problemFor(error);
    if (problem === undefined) {
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      problem = {
        type: 'about:blank',
        title: 'Internal Server Error',
        status: 500,
        detail: 'the request failed',
      };
    }
    void reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
    return undefined;
  }
}
