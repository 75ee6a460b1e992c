/**
 * The delivery scenario's sides, all POSTing to the same receiver process with the same
 * concurrency: the app (a fresh process finding the round's backlog of pending deliveries and
 * delivering it once the endpoint is enabled), the floor (claim, POST, record on the same tables,
 * bench/support/webhooks-delivery-floor.ts) and a raw undici loop. Each rate is the receiver's
 * arrivals per second over the window, from `deliveryWarmMs` after the first arrival.
 */
import { CpuMeter, cpuPerEvent, type CpuPerEvent, type CpuSample } from './audit-bench-kit';
import type { RoundApp, WebhooksBenchContext } from './webhooks-bench-context';
import { rateOver, sleep, type WindowRate } from './webhooks-bench-kit';
import { runDeliveryFloor } from './webhooks-delivery-floor';
import { WebhooksProcess } from './webhooks-process';
import { runRawPosts } from './webhooks-raw-sender';

export interface DeliveryMeasured extends WindowRate {
  /** CPU µs per delivery over the window: the sending process, PostgreSQL, the broker, the rest, the receiver. */
  readonly cpuMicrosPerDelivery: (CpuPerEvent & { readonly receiver: number }) | null;
}

/** What the app sent, as the floor and the raw loop replay it: the body and the sender's headers. */
export interface DeliverySample {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

interface CpuMark {
  readonly at: number;
  readonly sender: CpuSample;
  readonly receiver: CpuSample;
}

const SENT_HEADERS = [
  'content-type',
  'user-agent',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'traceparent',
];

export class DeliveryRounds {
  constructor(private readonly bench: WebhooksBenchContext) {}

  private get seconds(): number {
    const { deliveryWarmMs, deliverySeconds } = this.bench.settings;
    return deliveryWarmMs / 1000 + deliverySeconds + 0.5;
  }

  /** A fresh app (default delivery settings) finds the round's backlog and delivers it once the endpoint is enabled. */
  async app(round: RoundApp, heldAttempts: number) {
    const { bench } = this;
    const app = await WebhooksProcess.spawn({
      ...bench.appOptions(round.databaseUrl, round.groupId, bench.preloadedTopic),
      nodeArgs: bench.settings.nodeArgs,
    });
    try {
      await app.ready();
      await bench.receiver.reset();
      await app.patchEndpoint(round.endpointId, { enabled: true });
      const measured = await this.window(app.child.pid!, bench.settings.events);
      const delivered = await app.count(
        `SELECT count(*)::text AS n FROM webhooks.deliveries WHERE status = 'delivered'`,
      );
      return { ...measured, heldAttempts, deliveredWhenMeasured: delivered };
    } finally {
      await app.stop();
    }
  }

  /** What the app sent first in its round. */
  async sample(): Promise<DeliverySample> {
    const { sample } = await this.bench.receiver.report();
    if (sample === undefined) throw new Error('no delivery sample');
    const headers: Record<string, string> = {};
    for (const name of SENT_HEADERS)
      if (sample.headers[name] !== undefined) headers[name] = sample.headers[name];
    return { headers, body: sample.body };
  }

  /** The floor, on the N pending deliveries the fan-out's floor left in `databaseUrl`. */
  async floor(databaseUrl: string, sample: DeliverySample): Promise<DeliveryMeasured> {
    const { receiver, settings } = this.bench;
    await receiver.reset();
    const running = runDeliveryFloor({
      databaseUrl,
      url: receiver.url,
      ...sample,
      concurrency: settings.deliveryConcurrency,
      seconds: this.seconds,
    });
    const measured = await this.window(process.pid, settings.events);
    await running;
    return measured;
  }

  async raw(sample: DeliverySample): Promise<DeliveryMeasured> {
    const { receiver, settings } = this.bench;
    await receiver.reset();
    const running = runRawPosts({
      url: receiver.url,
      ...sample,
      concurrency: settings.deliveryConcurrency,
      seconds: this.seconds,
    });
    const measured = await this.window(process.pid, Number.POSITIVE_INFINITY);
    const { requests, errors } = await running;
    if (errors > 0) throw new Error(`raw undici: ${errors} of ${requests} requests failed`);
    return measured;
  }

  private mark(sender: CpuMeter, receiver: CpuMeter): CpuMark {
    return {
      at: performance.timeOrigin + performance.now(),
      sender: sender.sample(),
      receiver: receiver.sample(),
    };
  }

  /**
   * Waits for the receiver's window (from `deliveryWarmMs` after its first arrival,
   * `deliverySeconds` long, or until `total` arrived) while sampling CPU at its ends; returns the
   * rate over the arrivals.
   */
  private async window(senderPid: number, total: number): Promise<DeliveryMeasured> {
    const { receiver, settings } = this.bench;
    const warm = settings.deliveryWarmMs;
    const length = settings.deliverySeconds * 1000;
    const meters = { sender: new CpuMeter(senderPid), receiver: new CpuMeter(receiver.child.pid!) };
    let start: CpuMark | undefined;
    let end: CpuMark | undefined;
    const deadline = performance.now() + 120_000;
    while (end === undefined) {
      if (performance.now() > deadline) throw new Error('no deliveries reached the receiver');
      await sleep(settings.pollMs);
      const status = await receiver.status();
      const now = performance.timeOrigin + performance.now();
      if (status.first === undefined) continue;
      if (start === undefined && now >= status.first + warm)
        start = this.mark(meters.sender, meters.receiver);
      if (status.count >= total || now >= status.first + warm + length)
        end = this.mark(meters.sender, meters.receiver);
    }
    const { times } = await receiver.report();
    const rate = rateOver(times, warm, length);
    if (start === undefined) return { ...rate, cpuMicrosPerDelivery: null };
    const within = times.filter((t) => t > start.at && t <= end.at).length;
    const cpu = cpuPerEvent(start.sender, end.sender, within);
    const receiverCpu = cpuPerEvent(start.receiver, end.receiver, within).consumer;
    return { ...rate, cpuMicrosPerDelivery: { ...cpu, receiver: receiverCpu } };
  }
}
