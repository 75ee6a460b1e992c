/**
 * The analytics API's errors as RFC 9457 problems, through the platform's one problem+json filter
 * (`ProblemExceptionFilter`, registered app-wide, so an unknown route gets the same form, as do
 * the framework's client errors and a bare 500): invalid parameters 400, an unknown metric 404, a
 * metric not computed yet 409, Kafka not answering the lag query 503. ANALYTICS_HTTP_OPTIONS
 * gives the same form to errors Fastify's router answers itself. (Being global, the filter puts
 * the batch handler on Nest's pipeline: a small cost per call, and a call is a whole batch.)
 */
import { Catch } from '@nestjs/common';
import { problem, ProblemExceptionFilter, problemHttpOptions, type ProblemAnswer } from '@app/platform';
import {
  InvalidAnalyticsRequestError,
  MetricNotReadyError,
  UnknownMetricError,
} from '../domain/analytics-errors';

export class LagUnavailableError extends Error {
  override name = 'LagUnavailableError';
}

export function analyticsProblem(error: unknown): ProblemAnswer | undefined {
  if (error instanceof InvalidAnalyticsRequestError) {
    return { problem: problem(400, error.message, error.issues) };
  }
  if (error instanceof UnknownMetricError) {
    return { problem: problem(404, error.message, [{ path: '/metric', message: error.message }]) };
  }
  if (error instanceof MetricNotReadyError) {
    return { problem: problem(409, error.message, [{ path: '/metric', message: error.message }]) };
  }
  if (error instanceof LagUnavailableError) return { problem: problem(503, error.message, []) };
  return undefined;
}

@Catch()
export class AnalyticsExceptionFilter extends ProblemExceptionFilter {
  constructor() {
    super('AnalyticsApi', analyticsProblem);
  }
}

export const ANALYTICS_HTTP_OPTIONS = problemHttpOptions();
