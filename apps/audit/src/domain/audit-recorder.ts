/**
 * The audit use case: turn consumed events (avsc values decoded with their writer's schema, and
 * their envelopes) into audit rows and store each exactly once, together with the partition's
 * consumed position (one transaction per batch, so a batch of a partition costs one commit).
 */
import { JsonAvroMapping, type AvroSchemaJson } from '@app/schema';
import type { AuditEvent } from './audit-event';
import { AuditWriteError } from './audit-errors';
import { textKey } from './audit-text-key';
import type { AppendOutcome, AuditStore, PositionAdvance } from './audit-store.port';

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

/** One consumed event: the avsc value in its writer's schema and its envelope. */
export interface ConsumedEvent {
  readonly data: unknown;
  readonly envelope: ConsumedEnvelope;
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

  constructor(
    private readonly store: AuditStore,
    private readonly clock: Clock,
    private readonly observer: AuditObserver,
  ) {}

  /**
   * Stores a partition's consumed events (in offset order) and, when given, moves that
   * partition's stored position in the same transaction: an event is in the trail exactly when
   * the position says it was consumed. Throws AuditWriteError; `retriable` says whether
   * redelivering the batch can succeed (a moved position is retriable: the runtime reads it again).
   */
  async recordBatch(
    consumed: readonly ConsumedEvent[],
    position?: PositionAdvance,
  ): Promise<AppendOutcome[]> {
    const events = consumed.map(({ data, envelope }) => this.toAuditEvent(data, envelope));
    const outcomes = await this.store.append(events, position);
    events.forEach((event, i) => this.observer.recorded(event, outcomes[i]!));
    return outcomes;
  }

  /** One event, without a position (tools and tests). */
  async record(data: unknown, envelope: ConsumedEnvelope): Promise<AppendOutcome> {
    const [outcome] = await this.recordBatch([{ data, envelope }]);
    return outcome!;
  }

  private toAuditEvent(data: unknown, envelope: ConsumedEnvelope): AuditEvent {
    const ingestedAt = this.clock.now().toISOString();
    const kafkaTimestamp = isoOrUndefined(Number(envelope.timestamp)) ?? ingestedAt;
    return {
      // Without ce_id the coordinates are the only identity the event has. An id PostgreSQL
      // cannot key as it is (audit-text-key.ts) is identified by its key form; the exact ce_id
      // stays in `headers`.
      eventId:
        envelope.id !== ''
          ? textKey(envelope.id)
          : `kafka:${envelope.topic}/${envelope.partition}@${envelope.offset}`,
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

/**
 * Years 1–9999: the instants whose ISO text PostgreSQL's timestamptz takes (it has no year 0,
 * and refuses the `+010000-…` and `-000001-…` forms); RFC 3339 has four-digit years too.
 */
const FIRST_STORABLE_MS = Date.parse('0001-01-01T00:00:00.000Z');
const LAST_STORABLE_MS = Date.parse('9999-12-31T23:59:59.999Z');

function isoOrUndefined(millis: number): string | undefined {
  return millis >= FIRST_STORABLE_MS && millis <= LAST_STORABLE_MS
    ? new Date(millis).toISOString()
    : undefined;
}
