/**
 * The analytics API's one exception filter, registered app-wide (so an unknown route gets the
 * same form): every error becomes an RFC 9457 problem with an `errors` list. Invalid
 * parameters 400, an unknown metric 404, a metric not computed yet 409, Kafka not answering the
 * lag query 503, the framework's own client errors with their status; anything else 500 without
 * internals. ANALYTICS_HTTP_OPTIONS gives the same form to errors Fastify's router answers itself.
 * Errors of the Kafka edge pass through untouched: the consumer runtime reads HandlerError's
 * `retriable` flag from them. (Being global, it puts the batch handler on Nest's pipeline: about
 * 1.5 µs per call, and a call is a whole batch.)
 */
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { throwError, type Observable } from 'rxjs';
import { PROBLEM_JSON, type HttpAppOptions } from '@app/platform';
import {
  InvalidAnalyticsRequestError,
  MetricNotReadyError,
  UnknownMetricError,
  type RequestIssue,
} from '../domain/analytics-errors';

export class LagUnavailableError extends Error {
  override name = 'LagUnavailableError';
}

interface Problem {
  readonly type: 'about:blank';
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly errors: readonly RequestIssue[];
}

function problem(status: number, detail: string, errors: readonly RequestIssue[]): Problem {
  return { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail, errors };
}

function problemFor(error: unknown): Problem | undefined {
  if (error instanceof InvalidAnalyticsRequestError) return problem(400, error.message, error.issues);
  if (error instanceof UnknownMetricError)
    return problem(404, error.message, [{ path: '/metric', message: error.message }]);
  if (error instanceof MetricNotReadyError)
    return problem(409, error.message, [{ path: '/metric', message: error.message }]);
  if (error instanceof LagUnavailableError) return problem(503, error.message, []);
  const status =
    error instanceof HttpException
      ? error.getStatus()
      : (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  const detail = (error as Error).message;
  return problem(status, detail, [{ path: '/', message: detail }]);
}

@Catch()
export class AnalyticsExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('AnalyticsApi');

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

export const ANALYTICS_HTTP_OPTIONS: HttpAppOptions = {
  routerErrorBody: (error) => ({
    contentType: PROBLEM_JSON,
    body: problem(
      error.status,
      error.detail,
      error.status < 500 ? [{ path: '/', message: error.detail }] : [],
    ),
  }),
};
