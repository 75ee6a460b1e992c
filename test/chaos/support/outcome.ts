/**
 * What came out of a chaos run, counted exactly: Kafka's records of a topic, audit rows, the
 * analytics total, webhook deliveries and what the receiver got. `settledOutcome` waits until each
 * count reached the number of events, lets the platform settle, then counts once more, so a count
 * above it (a duplicate) shows too.
 */
import type { Admin } from 'kafkajs';
import { Client } from 'pg';
import { waitFor } from '@app/testing';
import type { Receiver } from './receiver';

export interface Outcome {
  readonly audit: number;
  readonly auditDistinct: number;
  readonly analytics: number;
  readonly deliveries: number;
  readonly delivered: number;
  readonly deliveredEvents: number;
  readonly received: number;
  readonly receivedOurs: number;
}

/** The outcome when every one of `events` events went through every app once. */
export function exactOutcome(events: number): Outcome {
  return {
    audit: events,
    auditDistinct: events,
    analytics: events,
    deliveries: events,
    delivered: events,
    deliveredEvents: events,
    received: events,
    receivedOurs: events,
  };
}

/** Records a topic holds (high minus low watermark, summed over its partitions). */
export async function recordsIn(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
}

const QUERIES = {
  audit: (type: string) => `SELECT count(*)::text AS n FROM audit.audit_events WHERE type = '${type}'`,
  auditDistinct: (type: string) =>
    `SELECT count(DISTINCT event_id)::text AS n FROM audit.audit_events WHERE type = '${type}'`,
  analytics: (type: string) =>
    `SELECT coalesce(sum(count), 0)::text AS n FROM analytics.event_counts WHERE type = '${type}'`,
  deliveries: () => `SELECT count(*)::text AS n FROM webhooks.deliveries`,
  delivered: () => `SELECT count(*)::text AS n FROM webhooks.deliveries WHERE status = 'delivered'`,
  deliveredEvents: () =>
    `SELECT count(DISTINCT event_id)::text AS n FROM webhooks.deliveries WHERE status = 'delivered'`,
} as const;

export interface SettleOptions {
  /** How long each count may take to reach the number of events; default 180 s. */
  readonly timeoutMs?: number;
  /** Progress lines while waiting. */
  readonly log?: (line: string) => void;
}

/**
 * Waits until audit, analytics, the delivered deliveries and the receiver each reached
 * `ids.length` for `type` (or the time ran out), settles 3 s, and returns the exact counts.
 */
export async function settledOutcome(
  databaseUrl: string,
  type: string,
  ids: readonly string[],
  receiver: Receiver,
  options: SettleOptions = {},
): Promise<Outcome> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const count = async (query: string): Promise<number> =>
    Number(((await db.query<{ n: string }>(query)).rows[0] as { n: string }).n);
  try {
    // One deadline for all: a count that falls short is reported by the caller's exact comparison.
    const deadline = Date.now() + (options.timeoutMs ?? 180_000);
    const until = (probe: () => Promise<boolean> | boolean, description: string): Promise<unknown> =>
      waitFor(probe, { timeoutMs: Math.max(0, deadline - Date.now()), intervalMs: 1_000, description }).catch(
        (error: Error) => options.log?.(error.message),
      );
    for (const name of ['audit', 'analytics', 'delivered'] as const) {
      await until(async () => {
        const n = await count(QUERIES[name](type));
        options.log?.(`${name}: ${n} of ${ids.length}`);
        return n >= ids.length;
      }, `${name} to reach ${ids.length}`);
    }
    await until(() => receiver.ids.size >= ids.length, `the receiver to get ${ids.length} events`);
    // Settle, then count exactly: nothing more arrives after the counts were reached.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    return {
      audit: await count(QUERIES.audit(type)),
      auditDistinct: await count(QUERIES.auditDistinct(type)),
      analytics: await count(QUERIES.analytics(type)),
      deliveries: await count(QUERIES.deliveries()),
      delivered: await count(QUERIES.delivered()),
      deliveredEvents: await count(QUERIES.deliveredEvents()),
      received: receiver.ids.size,
      receivedOurs: receiver.receivedOf(ids),
    };
  } finally {
    await db.end();
  }
}
