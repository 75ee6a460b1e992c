/**
 * The webhook receiver of a chaos run: it verifies nothing, answers 204 and counts the distinct
 * `webhook-id`s (event ids) it was sent, and all requests (redeliveries included).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export class Receiver {
  readonly ids = new Set<string>();
  requests = 0;
  url = '';
  private server: Server | undefined;

  async start(): Promise<this> {
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        this.requests++;
        this.ids.add(String(request.headers['webhook-id']));
        response.writeHead(204).end();
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    return this;
  }

  /** How many of `ids` it received. */
  receivedOf(ids: readonly string[]): number {
    return ids.filter((id) => this.ids.has(id)).length;
  }

  stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return Promise.resolve();
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  }
}
