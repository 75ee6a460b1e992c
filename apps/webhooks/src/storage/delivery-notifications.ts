/**
 * LISTEN webhooks_deliveries on a dedicated connection: the fan-out notifies on commit, and the
 * delivery loop wakes at once instead of at its next poll. A lost connection is re-established
 * with backoff; meanwhile the loop still polls, so a notification missed is only a delay.
 */
import type { LoggerService } from '@nestjs/common';
import { Client } from 'pg';
import { DELIVERIES_CHANNEL } from './fan-out-store';

export class DeliveryNotifications {
  private client: Client | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;

  constructor(
    private readonly url: string,
    private readonly onNotify: () => void,
    private readonly logger: LoggerService,
    /** The channel listened to: the deliveries' by default; the job runner listens to webhooks_jobs. */
    private readonly channel: string = DELIVERIES_CHANNEL,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.url });
    client.on('notification', () => this.onNotify());
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    await client.connect();
    await client.query(`LISTEN ${this.channel}`);
    this.client = client;
    this.failures = 0;
  }

  private lost(client: Client, error: Error): void {
    if (this.stopped || this.client !== client) return;
    this.client = undefined;
    const delay = Math.min(30_000, 500 * 2 ** this.failures++);
    this.logger.warn?.(`${this.channel} notifications lost (${error.message}); reconnecting in ${delay} ms`);
    this.retryTimer = setTimeout(() => {
      this.client = client; // so the retry is owned again
      this.connect().catch((next: unknown) =>
        this.lost(client, next instanceof Error ? next : new Error(String(next))),
      );
    }, delay);
    this.retryTimer.unref();
  }
}
