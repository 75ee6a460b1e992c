/**
 * What analytics keeps of a consumed event, and the lateness rule. An event counts in the minute
 * of its event time (`ce_time`). An event whose record reached Kafka more than the lateness bound
 * after its event time is late: it counts in the `late` series, in the minute it reached Kafka,
 * so a minute of the on-time series no longer changes once the bound has passed. Both times come
 * from the record itself, never from the clock of the process reading it, so a redelivery or a
 * rebuild over history puts every event in the same bucket as the first reading did.
 */
export interface ObservedEvent {
  /** `ce_id`, or the coordinates when the record has none. */
  readonly id: string;
  readonly type: string;
  /** Minute bucket start, milliseconds since the epoch. */
  readonly bucket: number;
  readonly late: boolean;
  /** Event time, milliseconds since the epoch (for the latency). */
  readonly eventTime: number;
  /** The record's value bytes (Confluent wire format), read again through a metric's reader version. */
  readonly value: Buffer;
}

export interface ConsumedRecord {
  readonly id: string;
  readonly type: string;
  /** `ce_time` as received. */
  readonly time: string;
  /** Kafka record timestamp, milliseconds since the epoch, as text. */
  readonly timestamp: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly value: Buffer;
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

export const minuteOf = (millis: number): number => Math.floor(millis / MINUTE_MS) * MINUTE_MS;

/** PostgreSQL's timestamptz covers years 1 to 9999 here; anything else is not a usable event time. */
const FIRST_MS = Date.parse('0001-01-01T00:00:00.000Z');
const LAST_MS = Date.parse('9999-12-31T23:59:00.000Z');
const usable = (millis: number): boolean =>
  Number.isFinite(millis) && millis >= FIRST_MS && millis <= LAST_MS;

export function observe(record: ConsumedRecord, latenessMs: number): ObservedEvent {
  const arrival = Number(record.timestamp);
  const parsed = Date.parse(record.time);
  // A record without a usable ce_time is counted when it reached Kafka, on time.
  const eventTime = usable(parsed) ? parsed : arrival;
  const late = usable(arrival) && arrival - eventTime > latenessMs;
  return {
    id: record.id !== '' ? record.id : `kafka:${record.topic}/${record.partition}@${record.offset}`,
    type: record.type,
    bucket: minuteOf(late ? arrival : eventTime),
    late,
    eventTime,
    value: record.value,
  };
}
