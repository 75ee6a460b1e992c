/**
 * Optional protection of writes: when a bearer token or a basic-auth `user:password` is
 * configured, every write needs one of them in `Authorization`; reads stay open, as consumers
 * only resolve ids. Comparison hashes both sides first so its time does not leak the secret.
 */
import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { UnauthorizedWriteError } from './registry-http.errors';

export interface WriteCredentials {
  readonly bearerToken?: string;
  /** `user:password`, as HTTP basic auth carries it. */
  readonly basic?: string;
}

export const WRITE_CREDENTIALS = Symbol('WRITE_CREDENTIALS');

function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function presented(header: string | undefined): { scheme: string; value: string } | undefined {
  const match = /^(\S+)\s+(.+)$/.exec(header?.trim() ?? '');
  return match ? { scheme: (match[1] ?? '').toLowerCase(), value: match[2] ?? '' } : undefined;
}

@Injectable()
export class WriteAuthGuard implements CanActivate {
  constructor(@Inject(WRITE_CREDENTIALS) private readonly credentials: WriteCredentials) {}

  canActivate(context: ExecutionContext): boolean {
    const { bearerToken, basic } = this.credentials;
    if (bearerToken === undefined && basic === undefined) return true;
    const given = presented(context.switchToHttp().getRequest<FastifyRequest>().headers.authorization);
    if (given?.scheme === 'bearer' && bearerToken !== undefined && sameSecret(given.value, bearerToken)) {
      return true;
    }
    if (given?.scheme === 'basic' && basic !== undefined) {
      const decoded = Buffer.from(given.value, 'base64').toString('utf8');
      if (sameSecret(decoded, basic)) return true;
    }
    const schemes = [
      ...(basic !== undefined ? ['Basic' as const] : []),
      ...(bearerToken ? ['Bearer' as const] : []),
    ];
    throw new UnauthorizedWriteError(schemes);
  }
}
