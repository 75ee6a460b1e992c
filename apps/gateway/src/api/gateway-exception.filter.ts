/**
 * The gateway's one exception filter: domain errors, Fastify's own errors (body too large,
 * unknown route, 405 with Allow for a known route's other methods) and anything unexpected become
 * RFC 9457 problem+json. Bad input is always 4xx; only a failing dependency (503) or a bug (500) is
 * 5xx. 429 and 503 carry Retry-After.
 */
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { GatewayError, type GatewayErrorKind } from '../domain/gateway-errors';
import { PROBLEM_CONTENT_TYPE, problemFor, type Problem } from './problem';

const FASTIFY_KINDS: Readonly<Record<number, GatewayErrorKind>> = {
  400: 'malformed',
  413: 'too-large',
  415: 'unsupported-media-type',
};

const METHODS: readonly HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** The methods some route takes at the request's path; none for a path no route serves. */
function methodsAt(request: FastifyRequest): HTTPMethods[] {
  const url = request.url.split('?', 1)[0] ?? '';
  return METHODS.filter((method) => request.server.findRoute({ method, url }) !== null);
}

function asGatewayError(error: unknown, request: FastifyRequest): GatewayError | undefined {
  if (error instanceof GatewayError) return error;
  const status =
    error instanceof HttpException ? error.getStatus() : (error as { statusCode?: number }).statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  if (status === 404) {
    // No route for this method: 405 with Allow when the path has routes for others (RFC 9110).
    const allowed = methodsAt(request);
    const path = request.url.split('?', 1)[0] ?? '';
    if (allowed.length > 0) return GatewayError.methodNotAllowed(request.method, path, allowed);
  }
  const kind = FASTIFY_KINDS[status];
  const message = error instanceof Error ? error.message : String(error);
  return kind ? new GatewayError(kind, message) : undefined;
}

function otherClientError(error: unknown): Problem | undefined {
  const status = error instanceof HttpException ? error.getStatus() : undefined;
  if (status === undefined || status >= 500) return undefined;
  const detail = error instanceof Error ? error.message : 'request refused';
  return { type: 'about:blank', title: detail, status, detail, errors: [] };
}

@Catch()
export class GatewayExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Gateway');

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const gatewayError = asGatewayError(error, host.switchToHttp().getRequest<FastifyRequest>());
    let problem = gatewayError ? problemFor(gatewayError) : otherClientError(error);
    if (!problem) {
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      problem = {
        type: 'about:blank',
        title: 'Internal Server Error',
        status: 500,
        detail: 'unexpected error',
        errors: [],
      };
    } else if (problem.status >= 500) {
      const cause = gatewayError?.cause instanceof Error ? ` (${gatewayError.cause.message})` : '';
      this.logger.warn(`${problem.status}: ${problem.detail}${cause}`);
    }
    if (gatewayError?.retryAfterSeconds !== undefined) {
      void reply.header('retry-after', String(gatewayError.retryAfterSeconds));
    }
    if (gatewayError?.allowedMethods !== undefined)
      void reply.header('allow', gatewayError.allowedMethods.join(', '));
    if (gatewayError?.kind === 'unauthenticated')
      void reply.header('www-authenticate', 'Bearer realm="herald"');
    void reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
  }
}
