/**
 * Writes on an instance that is not the leader are relayed to the leader as they came (method,
 * path and query, body, content type, credentials) and the leader's status and body are relayed
 * back, so a client may talk to any instance. A marker header stops a forwarded write from being
 * forwarded again when two instances briefly disagree about who leads.
 */
import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { of, type Observable } from 'rxjs';
import { REGISTRY_LEADERSHIP, UnknownLeaderError, type RegistryLeadership } from '../registry';
import { LeaderForwardingError } from './registry-http.errors';
import { REGISTRY_CONTENT_TYPE } from './registry-media-types';

export const FORWARDED_HEADER = 'x-herald-registry-forwarded';

/** The HTTP client forwarding uses: Node's global fetch, replaceable in tests. */
export const LEADER_FETCH = Symbol('LEADER_FETCH');
export type LeaderFetch = (url: string, init: RequestInit) => Promise<Response>;

const FORWARD_TIMEOUT_MS = 15_000;
const RELAYED_REQUEST_HEADERS = ['content-type', 'authorization', 'accept'] as const;

interface LeaderAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

@Injectable()
export class LeaderForwarder {
  constructor(@Inject(LEADER_FETCH) private readonly fetchLeader: LeaderFetch) {}

  async forward(leaderUrl: string, request: FastifyRequest): Promise<LeaderAnswer> {
    const headers: Record<string, string> = { [FORWARDED_HEADER]: 'true' };
    for (const name of RELAYED_REQUEST_HEADERS) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    try {
      const response = await this.fetchLeader(`${leaderUrl.replace(/\/+$/, '')}${request.url}`, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        redirect: 'manual',
        signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
      });
      const contentType = response.headers.get('content-type') ?? REGISTRY_CONTENT_TYPE;
      return { status: response.status, contentType, body: await response.text() };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new LeaderForwardingError(
        `Error while forwarding the request to the master (${leaderUrl}): ${reason}`,
        { cause: error },
      );
    }
  }
}

@Injectable()
export class LeaderForwardingInterceptor implements NestInterceptor {
  constructor(
    @Inject(REGISTRY_LEADERSHIP) private readonly leadership: RegistryLeadership,
    private readonly forwarder: LeaderForwarder,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const leaderUrl = this.leadership.leaderUrl();
    if (leaderUrl === undefined) return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    if (request.headers[FORWARDED_HEADER] !== undefined) {
      throw new UnknownLeaderError(
        'Leader not known: a forwarded write reached an instance that is not the leader',
      );
    }
    const answer = await this.forwarder.forward(leaderUrl, request);
    void http.getResponse<FastifyReply>().status(answer.status).header('content-type', answer.contentType);
    return of(answer.body);
  }
}
