/**
 * A real HTTP(S) receiver on a loopback port for the sender's integration tests: records every
 * request it saw, counts TCP connections (keep-alive reuse shows as fewer connections than
 * requests) and remembers the SNI name of each TLS connection.
 */
import { once } from 'node:events';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';

export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export type ReceiverHandler = (request: ReceivedRequest, response: ServerResponse) => void;

export interface ReceiverOptions {
  readonly host?: string;
  readonly tls?: { readonly key: string; readonly cert: string };
}

export class LoopbackReceiver {
  readonly requests: ReceivedRequest[] = [];
  readonly serverNames: Array<string | false | null> = [];
  connections = 0;

  private constructor(
    private readonly server: Server | HttpsServer,
    readonly port: number,
    readonly host: string,
    private readonly scheme: 'http' | 'https',
  ) {}

  /** Answers 200 "ok" unless `handler` answers otherwise. */
  static async start(handler?: ReceiverHandler, options: ReceiverOptions = {}): Promise<LoopbackReceiver> {
    const host = options.host ?? '127.0.0.1';
    const server = options.tls ? createHttpsServer({ ...options.tls }) : createHttpServer();
    server.listen(0, host);
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const receiver = new LoopbackReceiver(server, port, host, options.tls ? 'https' : 'http');
    server.on('connection', () => receiver.connections++);
    server.on('secureConnection', (socket: TLSSocket) => receiver.serverNames.push(socket.servername));
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const received: ReceivedRequest = {
          method: request.method ?? '',
          url: request.url ?? '',
          headers: request.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        receiver.requests.push(received);
        if (handler) handler(received, response);
        else response.end('ok');
      });
    });
    return receiver;
  }

  /** The address of a port nobody listens on (taken, then released). */
  static async closedPort(host = '127.0.0.1'): Promise<number> {
    const server = createHttpServer().listen(0, host);
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    server.close();
    await once(server, 'close');
    return port;
  }

  url(path = '/hook'): string {
    return `${this.scheme}://${this.host}:${this.port}${path}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }
}
