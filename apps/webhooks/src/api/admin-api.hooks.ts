/**
 * What guards the whole admin API (every route under /v1, whoever's controller serves it), as
 * Fastify hooks so it runs before a body is read:
 * - `onRequest`: `Authorization: Bearer $WEBHOOKS_ADMIN_TOKEN`, compared in constant time
 *   (both sides hashed first, so neither content nor length leaks through timing); 401 otherwise.
 *   An unauthenticated caller never gets a body parsed.
 * - `preParsing`: the body limit (64 KiB by default; 413) and UTF-8. A declared Content-Length over
 *   the limit is refused before reading; a chunked body is counted as it arrives and cut off at the
 *   limit. Invalid UTF-8 is a 400 (Fastify's JSON parser would silently turn it into U+FFFD and
 *   store a value the client never sent).
 * Health, metrics and /docs stay open.
 */
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { AdminUnauthenticatedError } from '../domain/endpoint-errors';

export const ADMIN_API_OPTIONS = Symbol('ADMIN_API_OPTIONS');
export const DEFAULT_ADMIN_BODY_LIMIT = 64 * 1024;

export interface AdminApiOptions {
  readonly token: string;
  /** Largest request body in bytes. */
  readonly bodyLimit: number;
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

export class AdminToken {
  private readonly digest: Buffer;

  constructor(token: string) {
    this.digest = sha256(token);
  }

  accepts(authorization: string | undefined): boolean {
    const given = authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];
    // Compared even when absent, so a missing header takes as long as a wrong one.
    return timingSafeEqual(sha256(given ?? ''), this.digest) && given !== undefined;
  }
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Carries its status the way Fastify's own errors do, for the exception filter. */
export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
  readonly statusCode = 413;
  constructor(limit: number) {
    super(`the request body is larger than ${limit} bytes`);
  }
}

/** The routes the admin token guards: /v1 and below (matched route, or the raw path for a 404). */
export function isAdminPath(request: FastifyRequest): boolean {
  const path = request.routeOptions.url ?? request.url.split('?')[0] ?? '';
  return path === '/v1' || path.startsWith('/v1/');
}

/** Carries its status the way Fastify's own errors do, for the exception filter. */
export class MalformedBodyError extends Error {
  override name = 'MalformedBodyError';
  readonly statusCode = 400;
  constructor() {
    super('the request body is not valid UTF-8');
  }
}

/** The body as it arrives, checked: at most `limit` bytes, and valid UTF-8. */
function checkedBody(payload: Readable, limit: number): Transform {
  let received = 0;
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const checker = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      if (received > limit) return done(new BodyTooLargeError(limit));
      try {
        utf8.decode(chunk, { stream: true });
      } catch {
        return done(new MalformedBodyError());
      }
      done(null, chunk);
    },
    flush(done) {
      try {
        utf8.decode(); // a sequence cut off at the end
        done();
      } catch {
        done(new MalformedBodyError());
      }
    },
  });
  payload.on('error', (error) => checker.destroy(error));
  return payload.pipe(checker);
}

export function installAdminApiHooks(fastify: FastifyInstance, options: AdminApiOptions): void {
  const token = new AdminToken(options.token);
  fastify.addHook('onRequest', async (request) => {
    if (isAdminPath(request) && !token.accepts(request.headers.authorization)) {
      throw new AdminUnauthenticatedError(
        request.headers.authorization === undefined
          ? undefined
          : 'the admin token is not the one this service is configured with',
      );
    }
  });
  fastify.addHook('preParsing', async (request, _reply, payload) => {
    if (!isAdminPath(request)) return payload;
    const declared = request.headers['content-length'];
    if (declared !== undefined && Number(declared) > options.bodyLimit) {
      throw new BodyTooLargeError(options.bodyLimit);
    }
    const hasBody =
      (declared !== undefined && declared !== '0') || request.headers['transfer-encoding'] !== undefined;
    return hasBody ? checkedBody(payload, options.bodyLimit) : payload;
  });
}

@Injectable()
export class AdminApiHooks implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(ADMIN_API_OPTIONS) private readonly options: AdminApiOptions,
  ) {}

  /** Runs before Fastify is ready, which is when route hooks are bound. */
  onModuleInit(): void {
    installAdminApiHooks(this.adapterHost.httpAdapter.getInstance<FastifyInstance>(), this.options);
  }
}
