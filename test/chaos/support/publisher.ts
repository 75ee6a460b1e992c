/**
 * Publishing as the SDK does: batches of events with client ids to POST /v1/events/batch. A batch
 * that fails (no answer, 5xx, 429) is sent again with the same ids, to the next gateway if there
 * are several: the gateways make a retry a duplicate, not a second event.
 */
import type { AppProcess } from './apps';

export const PAYMENT_TYPE = 'payments.payment.received';

export interface ChaosEvent {
  readonly type: string;
  readonly id: string;
  readonly data: Record<string, unknown>;
}

export function payment(id: string): ChaosEvent {
  return {
    type: PAYMENT_TYPE,
    id,
    data: {
      payment_id: id,
      merchant_id: `merchant-${id.charCodeAt(0) % 7}`,
      amount_minor: 990,
      currency: 'EUR',
      method: 'CARD',
      received_at: new Date().toISOString(),
    },
  };
}

interface BatchAnswer {
  results: Array<{ status: string; id?: string; error?: { status?: number } }>;
}

/** Per-event rejections the SDK retries. */
const RETRIABLE = new Set([429, 503]);

export interface PublishOptions {
  /** Tries before giving up on a batch; default 40 (250 ms apart: 10 s of outage). */
  readonly maxTries?: number;
}

/**
 * Posts one batch to `gateways[first]`, then to the others in turn, until one accepted every
 * event of it; returns how many tries it took. The events a 200 answer rejected as retriable
 * (503: Kafka unavailable, or the same id still in flight from an earlier try; 429) are sent
 * again, as the SDK does; any other rejection fails the run.
 */
export async function publishBatch(
  gateways: readonly AppProcess[],
  first: number,
  events: readonly ChaosEvent[],
  key: string,
  options: PublishOptions = {},
): Promise<number> {
  const maxTries = options.maxTries ?? 40;
  let pending = events;
  let tries = 0;
  for (;;) {
    const gateway = gateways[(first + tries) % gateways.length] as AppProcess;
    tries++;
    const response = await fetch(`${gateway.url}/v1/events/batch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events: pending }),
      signal: AbortSignal.timeout(60_000),
    }).catch(() => undefined);
    if (response !== undefined && response.status < 500 && response.status !== 429) {
      const body = (await response.json()) as BatchAnswer;
      if (response.status !== 200)
        throw new Error(`batch answered ${response.status}: ${JSON.stringify(body)}`);
      const rejected = body.results.filter((r) => r.status !== 'accepted');
      const fatal = rejected.filter((r) => !RETRIABLE.has(r.error?.status ?? 0));
      if (fatal.length > 0) throw new Error(`events refused: ${JSON.stringify(fatal.slice(0, 3))}`);
      if (rejected.length === 0) return tries;
      const again = new Set(rejected.map((r) => r.id));
      pending = pending.filter((event) => again.has(event.id));
    } else {
      await response?.body?.cancel();
    }
    if (tries >= maxTries) throw new Error(`no gateway accepted a batch after ${tries} tries`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A positive whole number from the environment (CHAOS_EVENTS=...), else `fallback`. */
export function chaosSetting(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number`);
  return value;
}

export interface PublishAllOptions extends PublishOptions {
  /** Events per batch; default 500. */
  readonly batch?: number;
  /** Called before each batch (its index): a scenario's fault goes here. */
  readonly beforeBatch?: (batch: number, batches: number) => Promise<void> | void;
}

/** Publishes `ids` as payment events in batches, round robin over the gateways; returns the retries. */
export async function publishAll(
  gateways: readonly AppProcess[],
  ids: readonly string[],
  key: string,
  options: PublishAllOptions = {},
): Promise<number> {
  const size = options.batch ?? 500;
  const batches = Math.ceil(ids.length / size);
  let retried = 0;
  for (let b = 0; b < batches; b++) {
    await options.beforeBatch?.(b, batches);
    const events = ids.slice(b * size, (b + 1) * size).map(payment);
    retried += (await publishBatch(gateways, b % gateways.length, events, key, options)) - 1;
  }
  return retried;
}
