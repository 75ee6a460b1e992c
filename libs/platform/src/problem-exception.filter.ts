/**
 * The one problem+json exception filter of the apps whose errors carry no contract of their own
 * (audit, webhooks, analytics): every error becomes an RFC 9457 problem
 * (`application/problem+json`) whose `errors` array is always there, one entry per problem with
 * the input (a JSON pointer and a message). The app says what its domain errors mean
 * (`ProblemMapper`); the framework's own client errors keep their status with one entry at `/`
 * (the request as a whole: a body that is not JSON 400, too large 413, of another type 415, an
 * unknown route 404); anything else is a 500 with an empty list and no internals, logged.
 * Registered app-wide, so errors raised before a route runs get the same form; `problemHttpOptions`
 * gives it to the requests Fastify's router refuses itself. Errors outside HTTP (the Kafka edge)
 * pass through untouched: the consumer runtime reads HandlerError's `retriable` flag from them.
 *
 * The gateway (typed problem `type` URIs, per-kind headers) and the registry (Confluent's error
 * format) have filters of their own.
 */
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { throwError, type Observable } from 'rxjs';
import { PROBLEM_JSON, type HttpAppOptions } from './bootstrap';

/** One problem with the input: where (a JSON pointer into the request) and what. */
export interface ProblemIssue {
  readonly path: string;
  readonly message: string;
}

export interface Problem {
  readonly type: 'about:blank';
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly errors: readonly ProblemIssue[];
}

/** A problem and the headers that go with it (`Retry-After`, `WWW-Authenticate`). */
export interface ProblemAnswer {
  readonly problem: Problem;
  readonly headers?: Readonly<Record<string, string>>;
}

/** An app's domain errors as problems; undefined for an error that is not one of them. */
export type ProblemMapper = (error: unknown) => ProblemAnswer | undefined;

export function problem(status: number, detail: string, errors: readonly ProblemIssue[]): Problem {
  return { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail, errors };
}

/** A 4xx raised by Nest (unknown route, 415 from a controller) or Fastify (body parsing, hooks). */
export function clientErrorStatus(error: unknown): number | undefined {
  const status =
    error instanceof HttpException
      ? error.getStatus()
      : (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

/** The app's answer for `error`, else the framework's client error, else undefined (a 500). */
export function problemAnswerFor(error: unknown, mapDomainError: ProblemMapper): ProblemAnswer | undefined {
  const domain = mapDomainError(error);
  if (domain !== undefined) return domain;
  const status = clientErrorStatus(error);
  if (status === undefined) return undefined;
  const detail = (error as Error).message;
  return { problem: problem(status, detail, [{ path: '/', message: detail }]) };
}

@Catch()
export class ProblemExceptionFilter implements ExceptionFilter {
  private readonly logger: Logger;

  /** `loggerName` names the API in the log of unexpected errors. */
  constructor(
    loggerName: string,
    private readonly mapDomainError: ProblemMapper,
  ) {
    this.logger = new Logger(loggerName);
  }

  catch(error: unknown, host: ArgumentsHost): Observable<never> | undefined {
    if (host.getType() !== 'http') return throwError(() => error);
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    let answer = problemAnswerFor(error, this.mapDomainError);
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
 * For createHttpApp / createFastifyAdapter: the problems of requests Fastify's router refuses
 * before any Nest code runs (a path that is not percent-encoded UTF-8, a path parameter over the
 * limit), in the same form, `errors` included.
 */
export function problemHttpOptions(options: Omit<HttpAppOptions, 'routerErrorBody'> = {}): HttpAppOptions {
  return {
    ...options,
    routerErrorBody: (error) => ({
      contentType: PROBLEM_JSON,
      body: problem(
        error.status,
        error.detail,
        error.status < 500 ? [{ path: '/', message: error.detail }] : [],
      ),
    }),
  };
}
