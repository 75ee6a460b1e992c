/**
 * What the webhooks app counts in its Prometheus registry: events fanned out and deliveries
 * created, attempts by outcome with their latency, deliveries finished by final state, and the
 * backlog (pending deliveries due now and scheduled later, the age of the oldest due one) read
 * from PostgreSQL at scrape time. The fan-out lag is the consumer runtime's herald_consumer_lag.
 */
import { sql, type Kysely } from 'kysely';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { DeliveryObserver } from './delivery/delivery-worker';
import type { FanOutObserver } from './domain/fan-out';

interface BacklogRow {
  due: string;
  scheduled: string;
  oldest: number | null;
}

export class WebhooksMetrics implements FanOutObserver, DeliveryObserver {
  private readonly events: Counter;
  private readonly deliveriesCreated: Counter;
  private readonly attempts: Counter<'outcome'>;
  private readonly finished: Counter<'state'>;
  private readonly latency: Histogram;

  constructor(registry: Registry, db: Kysely<unknown>) {
    const registers = [registry];
    this.events = new Counter({
      name: 'herald_webhooks_events_fanned_out_total',
      help: 'Events read by the fan-out',
      registers,
    });
    this.deliveriesCreated = new Counter({
      name: 'herald_webhooks_deliveries_created_total',
      help: 'Deliveries created by the fan-out (one per event and matching endpoint)',
      registers,
    });
    this.attempts = new Counter({
      name: 'herald_webhooks_attempts_total',
      help: 'Delivery attempts by outcome (delivered, http_<status>, timeout, connect, dns, tls, ssrf, network)',
      labelNames: ['outcome'],
      registers,
    });
    this.finished = new Counter({
      name: 'herald_webhooks_deliveries_total',
      help: 'Attempts by what followed: delivered, pending (retry scheduled) or failed (no attempts left, or 410)',
      labelNames: ['state'],
      registers,
    });
    this.latency = new Histogram({
      name: 'herald_webhooks_attempt_duration_seconds',
      help: 'Time of one delivery attempt, from request to response or error',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
      registers,
    });
    // prom-client collects every metric of a scrape concurrently, so the two gauges share one query
    // per scrape: the age of the oldest due delivery must come from the same read as the backlog.
    let backlogRead: Promise<BacklogRow | undefined> | undefined;
    const readBacklog = (): Promise<BacklogRow | undefined> => {
      backlogRead ??= sql<BacklogRow>`
        SELECT count(*) FILTER (WHERE next_attempt_at <= now())::text AS due,
               count(*) FILTER (WHERE next_attempt_at > now())::text AS scheduled,
               extract(epoch FROM now() - min(next_attempt_at) FILTER (WHERE next_attempt_at <= now()))::float8 AS oldest
        FROM deliveries WHERE status = 'pending'`
        .execute(db)
        .then(({ rows }) => rows[0])
        .finally(() => setImmediate(() => (backlogRead = undefined)));
      return backlogRead;
    };
    // Registered in `registry`; prom-client calls collect() at each scrape.
    new Gauge({
      name: 'herald_webhooks_oldest_due_seconds',
      help: 'How long the oldest due delivery has been waiting (0 when none is due)',
      registers,
      async collect() {
        this.set((await readBacklog())?.oldest ?? 0);
      },
    });
    new Gauge({
      name: 'herald_webhooks_backlog',
      help: 'Pending deliveries: due now, or scheduled for a later retry',
      labelNames: ['state'],
      registers,
      async collect() {
        const row = await readBacklog();
        this.set({ state: 'due' }, Number(row?.due ?? 0));
        this.set({ state: 'scheduled' }, Number(row?.scheduled ?? 0));
      },
    });
  }

  fannedOut(events: number, deliveries: number): void {
    this.events.inc(events);
    this.deliveriesCreated.inc(deliveries);
  }

  attempted(outcome: string, latencyMs: number, state: 'delivered' | 'pending' | 'failed'): void {
    this.attempts.inc({ outcome });
    this.finished.inc({ state });
    this.latency.observe(latencyMs / 1000);
  }
}
