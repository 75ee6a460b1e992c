/**
 * The registry's one exception filter: every error, from the domain, the HTTP edge, Fastify
 * (body limits, bad URLs) or an unknown route, becomes Confluent's `{"error_code", "message"}`
 * body with Confluent's status. Bad input always lands in the 4xx range; only the store, the
 * leader and bugs answer 5xx.
 */
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { RegistryError, type RegistryErrorKind } from '../registry';
import { LeaderForwardingError, MalformedRequestError, UnauthorizedWriteError } from './registry-http.errors';
import { REGISTRY_CONTENT_TYPE } from './registry-media-types';

interface ErrorAnswer {
  readonly status: number;
  readonly errorCode: number;
  readonly message: string;
}

const DOMAIN_ANSWERS: Readonly<Record<RegistryErrorKind, readonly [status: number, errorCode: number]>> = {
  SUBJECT_NOT_FOUND: [404, 40401],
  VERSION_NOT_FOUND: [404, 40402],
  SCHEMA_NOT_FOUND: [404, 40403],
  SUBJECT_SOFT_DELETED: [404, 40404],
  SUBJECT_NOT_SOFT_DELETED: [404, 40405],
  VERSION_SOFT_DELETED: [404, 40406],
  VERSION_NOT_SOFT_DELETED: [404, 40407],
  SUBJECT_COMPATIBILITY_NOT_CONFIGURED: [404, 40408],
  SUBJECT_MODE_NOT_CONFIGURED: [404, 40409],
  INCOMPATIBLE_SCHEMA: [409, 409],
  INVALID_SCHEMA: [422, 42201],
  INVALID_VERSION: [422, 42202],
  INVALID_COMPATIBILITY_LEVEL: [422, 42203],
  INVALID_MODE: [422, 42204],
  OPERATION_NOT_PERMITTED: [422, 42205],
  INVALID_SUBJECT: [422, 42208],
  // Confluent answers 500 here; a schema that is too big is the client's input, so 422.
  SCHEMA_TOO_LARGE: [422, 42209],
  STORE_ERROR: [500, 50001],
  STORE_TIMEOUT: [500, 50002],
  UNKNOWN_LEADER: [500, 50004],
};

/** Jersey's wording for a status without a more specific message, as Confluent answers it. */
const STATUS_TEXT: Readonly<Record<number, string>> = { 404: 'Not Found', 405: 'Method Not Allowed' };

function clientErrorStatus(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

function answerFor(error: unknown): ErrorAnswer | undefined {
  if (error instanceof RegistryError) {
    const [status, errorCode] = DOMAIN_ANSWERS[error.kind];
    return { status, errorCode, message: error.message };
  }
  if (error instanceof MalformedRequestError) return { status: 400, errorCode: 400, message: error.message };
  if (error instanceof UnauthorizedWriteError)
    return { status: 401, errorCode: 40101, message: error.message };
  if (error instanceof LeaderForwardingError)
    return { status: 500, errorCode: 50003, message: error.message };
  const status = error instanceof HttpException ? error.getStatus() : clientErrorStatus(error);
  if (status === undefined || status >= 500) return undefined;
  const statusText = STATUS_TEXT[status];
  const message = statusText ? `HTTP ${status} ${statusText}` : (error as Error).message;
  return { status, errorCode: status, message };
}

@Catch()
export class RegistryExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('SchemaRegistry');

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    let answer = answerFor(error);
    if (answer === undefined) {
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      answer = { status: 500, errorCode: 500, message: 'Internal Server Error' };
    } else if (answer.status >= 500) {
      this.logger.warn(`${answer.errorCode}: ${answer.message}`);
    }
    if (error instanceof UnauthorizedWriteError) {
      void reply.header(
        'www-authenticate',
        error.schemes.map((s) => `${s} realm="schema-registry"`).join(', '),
      );
    }
    void reply
      .status(answer.status)
      .header('content-type', REGISTRY_CONTENT_TYPE)
      .send({ error_code: answer.errorCode, message: answer.message });
  }
}
