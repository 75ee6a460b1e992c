/**
 * The audit API's errors as RFC 9457 problems, through the platform's one problem+json filter
 * (`ProblemExceptionFilter`, which also gives the framework's client errors and a bare 500 the
 * same form): invalid input 400 (the issues the use case found), an unknown event id 404 (at
 * `/eventId`). AUDIT_HTTP_OPTIONS gives the same form to the requests Fastify's router answers
 * itself.
 */
import { Catch } from '@nestjs/common';
import { problem, ProblemExceptionFilter, problemHttpOptions, type ProblemAnswer } from '@app/platform';
import { AuditEventNotFoundError, InvalidAuditRequestError } from '../domain/audit-errors';
import { MAX_TEXT_LENGTH } from '../domain/audit-requests';

export function auditProblem(error: unknown): ProblemAnswer | undefined {
  if (error instanceof InvalidAuditRequestError)
    return { problem: problem(400, error.message, error.issues) };
  if (error instanceof AuditEventNotFoundError) {
    return {
      problem: problem(404, error.message, [{ path: '/eventId', message: 'no audited event has this id' }]),
    };
  }
  return undefined;
}

@Catch()
export class AuditExceptionFilter extends ProblemExceptionFilter {
  constructor() {
    super('AuditApi', auditProblem);
  }
}

/**
 * The router measures a path parameter still percent-encoded, at most 9 characters per UTF-16
 * unit, so every event id the API accepts (MAX_TEXT_LENGTH units) routes and gets the API's own
 * 400/404 rather than a router error.
 */
export const AUDIT_HTTP_OPTIONS = problemHttpOptions({ maxParamLength: MAX_TEXT_LENGTH * 9 });
