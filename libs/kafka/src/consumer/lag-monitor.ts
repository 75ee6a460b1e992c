/**
 * Keeps `herald_consumer_lag` true whatever the consumer is doing. The batch loop updates it as
 * it processes; this monitor also recomputes it on a timer from the brokers, so a consumer that
 * stopped, crashed or never joined shows a lag that rises with every record produced instead of
 * the last value it set. Lag = high watermark − the group's next offset to process: the
 * instance's own position for the partitions it holds (which counts transaction markers as
 * consumed, so they are not lag), else the group's committed offset, else where a new group
 * starts (the log start with fromBeginning, the high watermark otherwise).
 */
import type { LoggerService } from '@nestjs/common';
import type { Admin } from 'kafkajs';
import type { ConsumerMetrics } from './consumer-metrics';
import type { PartitionPositions } from './partition-positions';

export interface LagSettings {
  readonly groupId: string;
  readonly lagIntervalMs: number;
  readonly fromBeginning: boolean;
}

/**
 * The monitor has an admin client of its own, replaced after any failure: a kafkajs client keeps
 * every topic it asked offsets of in its metadata requests, and fails all of them once one of
 * those topics is deleted.
 */
export class LagMonitor {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private admin: Promise<Admin> | undefined;

  constructor(
    private readonly createAdmin: () => Admin,
    private readonly topics: () => readonly string[],
    private readonly positions: PartitionPositions,
    private readonly metrics: ConsumerMetrics,
    private readonly settings: LagSettings,
    private readonly logger: LoggerService,
    /** Called on every tick, before the lag is read (the running gauge is refreshed with it). */
    private readonly onTick: () => void = () => undefined,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.onTick();
      this.running ??= this.measure()
        .catch((error: unknown) => {
          this.logger.debug?.(`lag not measured: ${String(error)}`);
        })
        .finally(() => {
          this.running = undefined;
        });
    }, this.settings.lagIntervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    await this.dropAdmin();
  }

  /** One measurement of every subscribed topic's partitions. */
  async measure(): Promise<void> {
    const topics = this.topics();
    if (topics.length === 0) return;
    try {
      await this.measureWith(await this.connected(), topics);
    } catch (error) {
      await this.dropAdmin();
      throw error;
    }
  }

  private connected(): Promise<Admin> {
    if (this.admin === undefined) {
      const admin = this.createAdmin();
      this.admin = admin.connect().then(() => admin);
    }
    return this.admin;
  }

  private async dropAdmin(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.then((a) => a.disconnect()).catch(() => undefined);
  }

  private async measureWith(admin: Admin, topics: readonly string[]): Promise<void> {
    const committed = new Map<string, string>();
    for (const { topic, partitions } of await admin.fetchOffsets({
      groupId: this.settings.groupId,
      topics: [...topics],
    })) {
      for (const { partition, offset } of partitions) committed.set(`${topic}/${partition}`, offset);
    }
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic);
      const metrics = this.metrics.forTopic(topic);
      for (const { partition, high, low } of offsets) {
        const group = committed.get(`${topic}/${partition}`);
        const next =
          this.positions.nextOffset(topic, partition) ??
          (group !== undefined && Number(group) >= 0 ? group : this.settings.fromBeginning ? low : high);
        metrics.lag(partition, Math.max(0, Number(high) - Number(next)));
      }
    }
  }
}
