/**
 * The audit use case: turn one consumed event (an avsc value decoded with its writer's schema,
 * and its envelope) into an audit row and store it exactly once. Concurrent calls (partitions
 * consumed in parallel) are group-committed; each call resolves only once its own row is
 * committed, which is what lets the consumer commit the Kafka offset after it.
 */
import { GroupCommit } from '@app/persistence';
import { JsonAvroMapping, type AvroSchemaJson } from '@app/schema';
import type { AuditEvent } from './audit-event';
import { AuditWriteError } from './audit-errors';
import type { AppendOutcome, AuditStore } from './audit-store.port';

/** The fields of the consumer runtime's EventEnvelope that audit keeps. */
export interface ConsumedEnvelope {
  readonly id: string;
  readonly type: string;
  readonly version: number;
  readonly schemaId: number;
  readonly writerSchema: AvroSchemaJson;
  readonly time: string;
  readonly source: string;
  readonly subject?: string;
  readonly key: string | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** Kafka record timestamp, milliseconds since the epoch. */
  readonly timestamp: string;
}

export const CLOCK = Symbol('CLOCK');
export interface Clock {
  now(): Date;
}

export const AUDIT_OBSERVER = Symbol('AUDIT_OBSERVER');
/** Told what happened to each event: metrics and logs hang off this, not off the use case. */
export interface AuditObserver {
  recorded(event: AuditEvent, outcome: AppendOutcome): void;
}

export class AuditRecorder {
  /** Schema ids are immutable, so a compiled mapping never goes stale. */
  private readonly mappings = new Map<number, JsonAvroMapping>();
  private readonly commits: GroupCommit<AuditEvent, AppendOutcome>;

  constructor(
    store: AuditStore,
    private readonly clock: Clock,
    private readonly observer: AuditObserver,
    maxBatch?: number,
  ) {
    this.commits = new GroupCommit((events) => store.append(events), {
      maxConcurrent: 1,
      maxItems: maxBatch ?? 256,
      isolateFailures: true,
    });
  }

  /** Throws AuditWriteError; `retriable` says whether redelivering the event can succeed. */
  async record(data: unknown, envelope: ConsumedEnvelope): Promise<AppendOutcome> {
    const event = this.toAuditEvent(data, envelope);
    const [outcome] = (await this.commits.submit([event])) as [AppendOutcome];
    this.observer.recorded(event, outcome);
    return outcome;
  }

  private toAuditEvent(data: unknown, envelope: ConsumedEnvelope): AuditEvent {
    const ingestedAt = this.clock.now().toISOString();
    const kafkaTimestamp = isoOrUndefined(Number(envelope.timestamp)) ?? ingestedAt;
    return {
      // Without ce_id the coordinates are the only identity the event has.
      eventId:
        envelope.id !== '' ? envelope.id : `kafka:${envelope.topic}/${envelope.partition}@${envelope.offset}`,
      type: envelope.type,
      version: envelope.version,
      schemaId: envelope.schemaId,
      source: envelope.source,
      subject: envelope.subject ?? null,
      key: envelope.key,
      time: envelope.time,
      eventTime: isoOrUndefined(Date.parse(envelope.time)) ?? kafkaTimestamp,
      topic: envelope.topic,
      partition: envelope.partition,
      offset: envelope.offset,
      kafkaTimestamp,
      headers: { ...envelope.headers },
      data: this.toJson(data, envelope),
      ingestedAt,
    };
  }

  private toJson(data: unknown, envelope: ConsumedEnvelope): unknown {
    try {
      let mapping = this.mappings.get(envelope.schemaId);
      if (!mapping) {
        mapping = JsonAvroMapping.compile(envelope.writerSchema);
        this.mappings.set(envelope.schemaId, mapping);
      }
      return mapping.toJson(data);
    } catch (error) {
      // The same value and schema fail the same way on every delivery.
      throw new AuditWriteError(
        `event ${envelope.id} (schema ${envelope.schemaId}) has no JSON form: ${(error as Error).message}`,
        { retriable: false, cause: error },
      );
    }
  }
}

function isoOrUndefined(millis: number): string | undefined {
  return Number.isFinite(millis) && Math.abs(millis) <= 8.64e15 ? new Date(millis).toISOString() : undefined;
}
