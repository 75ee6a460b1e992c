/**
 * A real HTTP server on a free local port that plays the gateway's contract (docs/gateway.md) as each
 * test scripts it: every request is recorded (path, headers, parsed body) and answered by the
 * test's handler, which may also leave a request hanging to provoke a client timeout.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';

import { freePort } from '@app/testing';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface FakeAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** `'hang'` never answers (until the server stops). */
export type FakeHandler = (request: RecordedRequest, index: number) => FakeAnswer | 'hang';

export class FakeGateway {
  readonly requests: RecordedRequest[] = [];
  handler: FakeHandler = () => ({ status: 500, body: { title: 'no handler', status: 500 } });

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeGateway> {
    const port = await freePort();
    // The request handler needs the instance, which needs the server: a holder breaks the cycle.
    const holder: { gateway?: FakeGateway } = {};
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => holder.gateway?.answer(req.method ?? '', req.url ?? '', req.headers, chunks, res));
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    holder.gateway = new FakeGateway(server, `http://127.0.0.1:${port}`);
    return holder.gateway;
  }

  private answer(
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
    chunks: Buffer[],
    res: ServerResponse,
  ): void {
    const text = Buffer.concat(chunks).toString('utf8');
    const request = { method, path, headers, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
    this.requests.push(request);
    const answer = this.handler(request, this.requests.length - 1);
    if (answer === 'hang') return;
    const problem = answer.status >= 400;
    res.writeHead(answer.status, {
      'content-type': problem ? 'application/problem+json' : 'application/json',
      ...answer.headers,
    });
    res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** The 202 body the gateway answers for an accepted event. */
export function accepted(event: { id?: unknown; type?: unknown; version?: unknown }, offset = 0): FakeAnswer {
  return {
    status: 202,
    body: {
      id: event.id,
      type: event.type,
      version: event.version,
      topic: event.type,
      partition: 0,
      offset: String(offset),
    },
  };
}

export function problem(status: number, title: string, extra: Record<string, unknown> = {}): FakeAnswer {
  return { status, body: { type: 'about:blank', title, status, ...extra } };
}
