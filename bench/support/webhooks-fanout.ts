/**
 * The fan-out scenario's sides, each reading the whole preloaded topic from the beginning with a
 * fresh group: the audit's floor (bare kafkajs → one INSERT per batch), the fan-out's own floor
 * (the same consumer writing the webhooks rows), and the app's fan-out with one endpoint whose
 * receiver holds every attempt (so the delivery loop claims nothing more while it is measured).
 * The app's round leaves its N deliveries pending: `handOver` turns them into the delivery
 * scenario's backlog.
 */
import { Pool } from 'pg';
import { CpuMeter } from './audit-bench-kit';
import { createFloorTable, runFloor } from './audit-floor';
import { ConsumptionWindow, type Measured } from './consumption-window';
import type { RoundApp, WebhooksBenchContext } from './webhooks-bench-context';
import { sleep, type HoldingReceiver } from './webhooks-bench-kit';
import { runFanOutFloor } from './webhooks-fanout-floor';
import { WebhooksProcess } from './webhooks-process';

export class FanOutRounds {
  constructor(
    private readonly bench: WebhooksBenchContext,
    private readonly hold: HoldingReceiver,
  ) {}

  private get events(): number {
    return this.bench.settings.events;
  }

  private window(pid: number): ConsumptionWindow {
    return new ConsumptionWindow(this.events, new CpuMeter(pid));
  }

  /** The audit benchmark's floor, into a table of its own in `pool`'s database. */
  async floor(pool: Pool, name: string): Promise<Measured & { meanBatch: number }> {
    const table = `floor_events_${name}`;
    await createFloorTable(pool, table);
    const window = this.window(process.pid);
    const { batches } = await runFloor({
      kafka: this.bench.kafka,
      pool,
      table,
      topic: this.bench.preloadedTopic,
      groupId: this.bench.group(`floor-${name}`),
      total: this.events,
      partitionsConcurrency: this.bench.settings.partitionsConcurrency,
      progress: {
        started: () => window.consumptionStarted(Date.now()),
        stored: (n) => void window.observe(n),
      },
    });
    const { rows } = await pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`);
    if (Number(rows[0]?.n) !== this.events)
      throw new Error(`floor: ${rows[0]?.n} rows, expected ${this.events}`);
    return { ...window.result(), meanBatch: Math.round(this.events / batches) };
  }

  /**
   * The fan-out's floor on a fresh webhooks schema (migrated by the app, one endpoint); its N
   * pending deliveries are the delivery floor's backlog (`databaseUrl`).
   */
  async schemaFloor(name: string): Promise<{ measured: Measured; databaseUrl: string }> {
    const databaseUrl = await this.bench.database(`${name}_schema_floor`);
    const setup = this.bench.group(`${name}-schema-floor-setup`);
    const endpointId = await this.bench.endpointFirst(databaseUrl, setup, 'http://127.0.0.1:9/unused');
    const pool = new Pool({ connectionString: databaseUrl, max: this.bench.settings.partitionsConcurrency });
    try {
      const window = this.window(process.pid);
      await runFanOutFloor({
        kafka: this.bench.kafka,
        pool,
        endpointId,
        topic: this.bench.preloadedTopic,
        groupId: this.bench.group(`schema-floor-${name}`),
        total: this.events,
        partitionsConcurrency: this.bench.settings.partitionsConcurrency,
        progress: {
          started: () => window.consumptionStarted(Date.now()),
          stored: (n) => void window.observe(n),
        },
      });
      const { rows } = await pool.query<{ n: string }>('SELECT count(*)::text AS n FROM webhooks.deliveries');
      if (Number(rows[0]?.n) !== this.events)
        throw new Error(`schema floor: ${rows[0]?.n} deliveries, expected ${this.events}`);
      return { measured: window.result(), databaseUrl };
    } finally {
      await pool.end();
    }
  }

  /** The app's fan-out; returns its measure and the app, still running, its attempts held. */
  async app(name: string): Promise<{ measured: Measured; app: WebhooksProcess; round: RoundApp }> {
    const { bench, events } = this;
    const topic = bench.preloadedTopic;
    const databaseUrl = await bench.database(name);
    const groupId = bench.group(name);
    const endpointId = await bench.endpointFirst(databaseUrl, groupId, this.hold.url);
    this.hold.hold();
    const app = await WebhooksProcess.spawn({
      ...bench.appOptions(databaseUrl, groupId, topic),
      // Held attempts must not time out during the round; released, they are due again at once.
      env: { WEBHOOKS_TIMEOUT_MS: '600000', WEBHOOKS_RETRY_SCHEDULE: '0,0,5s,5m,30m,2h,5h,10h' },
      nodeArgs: bench.settings.nodeArgs,
    });
    try {
      const window = this.window(app.child.pid!);
      const deadline = performance.now() + 600_000;
      while (!window.observe(await app.stored())) {
        if (performance.now() > deadline)
          throw new Error(`the fan-out did not store ${events} records in time`);
        await sleep(bench.settings.pollMs);
      }
      const { messages, deliveries, firstAt } = await app.fannedOut();
      if (messages !== events || deliveries !== events)
        throw new Error(`fan-out: ${messages} messages and ${deliveries} deliveries, expected ${events}`);
      window.consumptionStarted(firstAt);
      return { measured: window.result(), app, round: { databaseUrl, groupId, endpointId } };
    } catch (error) {
      this.hold.release();
      await app.stop();
      throw error;
    }
  }

  /**
   * The fan-out's app hands its backlog over: the endpoint, disabled so that nothing more is
   * claimed, is pointed at the receiver, and the held attempts are released (they fail and are
   * due again at once); then that app stops. Returns how many attempts were held.
   */
  async handOver(app: WebhooksProcess, endpointId: string): Promise<number> {
    try {
      await app.patchEndpoint(endpointId, { url: this.bench.receiver.url, enabled: false });
      const held = this.hold.held;
      this.hold.release();
      const deadline = performance.now() + 60_000;
      while ((await app.count('SELECT count(*)::text AS n FROM webhooks.attempts')) < held) {
        if (performance.now() > deadline) throw new Error(`the ${held} held attempts were not recorded`);
        await sleep(this.bench.settings.pollMs);
      }
      const pending = await app.count(
        `SELECT count(*)::text AS n FROM webhooks.deliveries WHERE status = 'pending'`,
      );
      if (pending !== this.events) throw new Error(`${pending} deliveries pending, expected ${this.events}`);
      return held;
    } finally {
      await app.stop();
    }
  }

  /** Ends a round without a hand-over: the held attempts fail, so the app can stop. */
  async stop(app: WebhooksProcess): Promise<void> {
    this.hold.release();
    await app.stop();
  }
}
