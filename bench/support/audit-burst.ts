/**
 * The audit benchmark's burst: with the audit running and caught up, `POST /v1/events/batch`
 * (100 events per request, 8 requests in flight, events without ids) publishes a burst through
 * the real gateway as fast as it takes it; then the audit's lag — the topic's high watermarks
 * after the last ack minus the positions the audit stored with its rows — is polled until it
 * is 0. The catch-up time runs from the burst's last ack to that moment.
 */
import type { Admin } from 'kafkajs';
import { payment } from './audit-bench-kit';
import type { AuditProcess } from './audit-process';
import type { GatewayStack } from './gateway-stack';

const EVENTS_PER_REQUEST = 100;
const REQUESTS_IN_FLIGHT = 8;

export interface BurstResult {
  readonly events: number;
  /** First request sent → last ack. */
  readonly publishSeconds: number;
  readonly publishEventsPerSec: number;
  /** Records published but not yet stored at the last ack. */
  readonly lagAtLastAck: number;
  /** Last ack → lag 0 (all stored). */
  readonly catchUpSeconds: number;
  /** First request sent → lag 0. */
  readonly totalSeconds: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function highWatermarks(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + Number(p.high), 0);
}

export class AuditBurst {
  private published = 0;

  constructor(
    private readonly stack: GatewayStack,
    private readonly admin: Admin,
    private readonly audit: AuditProcess,
    private readonly pollMs: number,
  ) {}

  /** Waits until the audit stored everything on the topic; returns when (performance.now()). */
  async caughtUp(target: number, timeoutMs = 300_000): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if ((await this.audit.stored()) >= target) return performance.now();
      if (performance.now() > deadline) throw new Error(`the audit did not store ${target} records in time`);
      await sleep(this.pollMs);
    }
  }

  async run(events: number): Promise<BurstResult> {
    const before = await highWatermarks(this.admin, this.stack.topic);
    const bodies = this.bodies(events);
    const started = performance.now();
    await this.publish(bodies);
    const lastAck = performance.now();
    const target = await highWatermarks(this.admin, this.stack.topic);
    if (target - before < events)
      throw new Error(`${events} events acknowledged, ${target - before} written`);
    const lagAtLastAck = target - (await this.audit.stored());
    const caught = await this.caughtUp(target);
    const seconds = (from: number, to: number) => Math.round(to - from) / 1000;
    return {
      events,
      publishSeconds: seconds(started, lastAck),
      publishEventsPerSec: Math.round(events / ((lastAck - started) / 1000)),
      lagAtLastAck,
      catchUpSeconds: seconds(lastAck, caught),
      totalSeconds: seconds(started, caught),
    };
  }

  /** Request bodies, built before the clock starts. */
  private bodies(events: number): Array<{ readonly body: string; readonly count: number }> {
    const bodies: Array<{ body: string; count: number }> = [];
    for (let sent = 0; sent < events; sent += EVENTS_PER_REQUEST) {
      const count = Math.min(EVENTS_PER_REQUEST, events - sent);
      const batch = Array.from({ length: count }, () => ({
        type: this.stack.type,
        version: 2,
        data: payment(this.published++),
      }));
      bodies.push({ body: JSON.stringify({ events: batch }), count });
    }
    return bodies;
  }

  private async publish(
    bodies: ReadonlyArray<{ readonly body: string; readonly count: number }>,
  ): Promise<void> {
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${this.stack.apiKey}` };
    let next = 0;
    const worker = async () => {
      while (next < bodies.length) {
        const { body, count } = bodies[next++]!;
        const response = await fetch(`${this.stack.url}/v1/events/batch`, { method: 'POST', headers, body });
        const answer = (await response.json()) as { results?: Array<{ status: string }> };
        const accepted = answer.results?.filter((r) => r.status === 'accepted').length ?? 0;
        if (response.status !== 200 || accepted !== count)
          throw new Error(`burst batch: ${response.status}, ${accepted}/${count} accepted`);
      }
    };
    await Promise.all(Array.from({ length: REQUESTS_IN_FLIGHT }, worker));
  }
}
