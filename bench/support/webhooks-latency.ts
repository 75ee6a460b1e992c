/**
 * Publish → delivered: events go through the real gateway (`POST /v1/events`, one event per
 * request, no client id) from the open-loop generator (bench/support/open-loop.ts) at a steady
 * rate, and the receiver stamps each delivery's arrival. An event's latency runs from its
 * request's *intended* send time on the generator's fixed schedule (so a stalled gateway or app
 * shows as delay) to the receiver's stamp. Each event carries its index in the payment id; the
 * index gives its intended time: the schedule's start (the first body asked for, which the
 * generator does synchronously at its start) plus index × interval.
 */
import { payment } from './audit-bench-kit';
import type { GatewayStack } from './gateway-stack';
import { runOpenLoop, type LatencySummary } from './open-loop';
import { percentile, round2, sleep } from './webhooks-bench-kit';
import type { ReceiverProcess } from './webhooks-receiver';

export interface DeliveryLatency {
  readonly events: number;
  readonly delivered: number;
  /** Not delivered within `settleMs` after the last publish (counted at `settleMs` in the percentiles). */
  readonly missing: number;
  readonly duplicates: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** The gateway's answers to the same requests (intended send → 202). */
  readonly publish: LatencySummary;
  /**
   * Where the time went, for the delivered events: intended send → the fan-out transaction that
   * stored the event began (`messages.created_at`: gateway, Kafka, the consumer's fetch), and
   * that → the receiver's stamp (the fan-out's commit, the notification, claim, render, POST).
   */
  readonly stages: {
    readonly toFanOut: Percentiles;
    readonly fanOutToDelivered: Percentiles;
  };
}

export interface Percentiles {
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** When each event was fanned out (wall-clock ms), by event id. */
export type FannedOutAt = () => Promise<ReadonlyMap<string, number>>;

function percentiles(values: number[]): Percentiles {
  values.sort((a, b) => a - b);
  return { p50Ms: round2(percentile(values, 50)), p99Ms: round2(percentile(values, 99)) };
}

const now = () => performance.timeOrigin + performance.now();

export class PublishToDelivered {
  private next = 0;

  constructor(
    private readonly stack: GatewayStack,
    private readonly receiver: ReceiverProcess,
    private readonly ratePerSecond: number,
    private readonly settleMs = 30_000,
  ) {}

  private get headers(): Record<string, string> {
    return { 'content-type': 'application/json', authorization: `Bearer ${this.stack.apiKey}` };
  }

  private body(n: number): string {
    return JSON.stringify({ type: this.stack.type, version: 2, data: payment(n) });
  }

  /** Publishes single events until the receiver got one (the endpoint is in the app's directory). */
  async untilDelivering(timeoutMs = 60_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while ((await this.receiver.status()).count === 0) {
      if (performance.now() > deadline) throw new Error('no delivery reached the receiver');
      const response = await fetch(`${this.stack.url}/v1/events`, {
        method: 'POST',
        headers: this.headers,
        body: this.body(this.next++),
      });
      if (response.status !== 202) throw new Error(`probe: ${response.status} ${await response.text()}`);
      await sleep(200);
    }
  }

  /** Sends for `seconds` on the schedule; returns the first index, the schedule's start and the gateway's latencies. */
  private async publish(seconds: number): Promise<{ first: number; start: number; publish: LatencySummary }> {
    const first = this.next;
    let start = Number.NaN;
    const publish = await runOpenLoop({
      url: `${this.stack.url}/v1/events`,
      headers: this.headers,
      body: () => {
        if (Number.isNaN(start)) start = now();
        return this.body(this.next++);
      },
      ratePerSecond: this.ratePerSecond,
      seconds,
      expectStatus: 202,
    });
    if (publish.errors > 0) throw new Error(`${publish.errors} publishes did not get 202`);
    return { first, start, publish };
  }

  /** `warmSeconds` unmeasured, then `seconds` measured. */
  async round(warmSeconds: number, seconds: number, fannedOutAt: FannedOutAt): Promise<DeliveryLatency> {
    await this.publish(warmSeconds);
    await this.receiver.reset(true);
    const { offsetMs } = await this.receiver.clockOffset();
    const { first, start, publish } = await this.publish(seconds);
    const events = publish.requests;
    const interval = 1000 / this.ratePerSecond;
    const arrived = new Float64Array(events).fill(Number.NaN);
    const eventIds: string[] = [];
    let duplicates = 0;
    let delivered = 0;
    const deadline = performance.now() + this.settleMs;
    while (delivered < events && performance.now() < deadline) {
      await sleep(250);
      const report = await this.receiver.report();
      arrived.fill(Number.NaN);
      duplicates = 0;
      report.indices.forEach((n, i) => {
        const slot = n - first;
        if (slot < 0 || slot >= events) return;
        if (Number.isNaN(arrived[slot]!)) {
          arrived[slot] = report.times[i]! - offsetMs;
          eventIds[slot] = report.ids[i]!;
        } else duplicates++;
      });
      delivered = arrived.filter((t) => !Number.isNaN(t)).length;
    }
    const latencies = Array.from(arrived, (t, slot) =>
      Number.isNaN(t) ? this.settleMs : t - (start + slot * interval),
    ).sort((a, b) => a - b);
    const fannedOut = await fannedOutAt();
    const toFanOut: number[] = [];
    const fanOutToDelivered: number[] = [];
    arrived.forEach((t, slot) => {
      const at = fannedOut.get(eventIds[slot] ?? '');
      if (Number.isNaN(t) || at === undefined) return;
      toFanOut.push(at - (start + slot * interval));
      fanOutToDelivered.push(t - at);
    });
    return {
      events,
      delivered,
      missing: events - delivered,
      duplicates,
      p50Ms: round2(percentile(latencies, 50)),
      p90Ms: round2(percentile(latencies, 90)),
      p99Ms: round2(percentile(latencies, 99)),
      maxMs: round2(latencies[latencies.length - 1] ?? Number.NaN),
      publish,
      stages: { toFanOut: percentiles(toFanOut), fanOutToDelivered: percentiles(fanOutToDelivered) },
    };
  }
}
