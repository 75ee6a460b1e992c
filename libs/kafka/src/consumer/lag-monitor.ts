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

export class LagMonitor {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly admin: Admin,
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
  }

  /** One measurement of every subscribed topic's partitions. */
  async measure(): Promise<void> {
    const topics = this.topics();
    if (topics.length === 0) return;
    const committed = new Map<string, string>();
    for (const { topic, partitions } of await this.admin.fetchOffsets({
      groupId: this.settings.groupId,
      topics: [...topics],
    })) {
      for (const { partition, offset } of partitions) committed.set(`${topic}/${partition}`, offset);
    }
    for (const topic of topics) {
      let offsets: Awaited<ReturnType<Admin['fetchTopicOffsets']>>;
      try {
        offsets = await this.admin.fetchTopicOffsets(topic);
      } catch {
        continue; // deleted meanwhile: the supervisor drops it from the subscription
      }
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
