/**
 * LISTEN webhooks_endpoints on a dedicated connection: every endpoint or secret change notifies
 * on commit (endpoint-rows.ts), and the caches of this instance (the endpoint directory, the
 * signing secrets) hear of it within milliseconds instead of at their next refresh. A lost
 * connection is re-established with backoff; after reconnecting, subscribers are told that
 * anything may have changed (`undefined`), since notifications sent meanwhile are lost. The
 * caches refresh on their own timer too, so a missed notification is only a delay.
 */
import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { ENDPOINTS_CHANNEL } from './endpoint-rows';

/** Called with the id of the endpoint that changed, or undefined when any may have. */
export type EndpointChangeHandler = (endpointId: string | undefined) => void;

export class EndpointChangeListener {
  private readonly logger = new Logger('EndpointChangeListener');
  private readonly handlers: EndpointChangeHandler[] = [];
  /** The client of the latest connection attempt; events of older ones are ignored. */
  private current: Client | undefined;
  private connected = false;
  private stopped = true;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;

  constructor(private readonly url: string) {}

  subscribe(handler: EndpointChangeHandler): void {
    this.handlers.push(handler);
  }

  get listening(): boolean {
    return this.connected;
  }

  /** Connects in the background: an unreachable database delays notifications, never the boot. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const client = this.current;
    this.current = undefined;
    this.connected = false;
    await client?.end().catch(() => undefined);
  }

  private connect(): void {
    const client = new Client({ connectionString: this.url, connectionTimeoutMillis: 5_000 });
    this.current = client;
    client.on('notification', (message) => {
      if (this.current === client) this.emit(message.payload || undefined);
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    client
      .connect()
      .then(() => client.query(`LISTEN ${ENDPOINTS_CHANNEL}`))
      .then(() => {
        if (this.current !== client) return;
        this.connected = true;
        const missedSome = this.failures > 0;
        this.failures = 0;
        if (missedSome) this.emit(undefined);
      })
      .catch((error: unknown) =>
        this.lost(client, error instanceof Error ? error : new Error(String(error))),
      );
  }

  private lost(client: Client, error: Error): void {
    if (this.stopped || this.current !== client) return;
    this.current = undefined;
    this.connected = false;
    void client.end().catch(() => undefined);
    const delay = Math.min(30_000, 500 * 2 ** this.failures++);
    this.logger.warn(`endpoint change notifications lost (${error.message}); reconnecting in ${delay} ms`);
    this.retryTimer = setTimeout(() => {
      if (!this.stopped) this.connect();
    }, delay);
    this.retryTimer.unref();
  }

  private emit(endpointId: string | undefined): void {
    for (const handler of this.handlers) {
      try {
        handler(endpointId);
      } catch (error) {
        this.logger.error(`endpoint change handler failed: ${String(error)}`);
      }
    }
  }
}
