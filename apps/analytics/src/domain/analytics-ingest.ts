/**
 * The analytics use case for consumed batches: each record becomes an ObservedEvent (its minute
 * and lateness from its own times) and the batch is stored with the partition's position in one
 * transaction (IngestStore). Redelivered records are dropped by the stored position, replays of
 * counted events by their ids, so each event is counted once.
 */
import type { PositionWrite } from '@app/persistence';
import { observe, type ConsumedRecord } from './observed-event';
import type { IngestStore, MetricRowsOf } from '../storage/ingest-store';

export interface Clock {
  now(): number;
}

export interface IngestObserver {
  counted(type: string, fresh: number, duplicates: number): void;
}

export class AnalyticsIngest {
  constructor(
    private readonly store: Pick<IngestStore, 'ingestLive'>,
    private readonly rowsOf: MetricRowsOf,
    private readonly clock: Clock,
    private readonly latenessMs: number,
    private readonly observer: IngestObserver,
  ) {}

  async ingest(records: readonly ConsumedRecord[], position: PositionWrite): Promise<void> {
    const events = records.map((record) => observe(record, this.latenessMs));
    const fresh = await this.store.ingestLive(events, position, this.rowsOf, this.clock.now());
    if (records.length > 0) this.observer.counted(position.topic, fresh, records.length - fresh);
  }
}
