/**
 * The envelope a handler receives beside its payload: the CloudEvents attributes from the
 * record headers, the writer's schema id and registry version, and the Kafka coordinates.
 *
 * Header values are decoded lazily and cached: most handlers read two or three fields, and
 * converting every header of every record to a string was measurable in the benchmark.
 */
import type { AvroSchemaJson } from '@app/schema';
import type { IHeaders, KafkaMessage } from 'kafkajs';

export interface EventEnvelope {
  /** `ce_id` header. */
  readonly id: string;
  /** `ce_type` header; the topic when the header is missing (topic = type in Herald). */
  readonly type: string;
  /** The writer's registry version under the subject `${topic}-value`; 0 when the id is not registered there. */
  readonly version: number;
  readonly schemaId: number;
  readonly writerSchema: AvroSchemaJson;
  /** `ce_time` (RFC 3339). */
  readonly time: string;
  /** `ce_source`: the producer that published the event. */
  readonly source: string;
  /** `ce_subject`, when the producer set one. */
  readonly subject?: string;
  /** The record key as UTF-8, or null for a record without key. */
  readonly key: string | null;
  /** Every record header as a UTF-8 string (the last value wins for a repeated header). */
  readonly headers: Record<string, string>;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** Record timestamp, milliseconds since the epoch, as kafkajs reports it. */
  readonly timestamp: string;
}

/** What the runtime knows about the writer of a record once it decoded it. */
export interface WriterInfo {
  readonly schemaId: number;
  readonly version: number;
  readonly schema: AvroSchemaJson;
}

/** A header's value as UTF-8 text (the last one of a repeated header). */
export function headerText(value: IHeaders[string]): string | undefined {
  if (value === undefined) return undefined;
  const last = Array.isArray(value) ? value[value.length - 1] : value;
  if (last === undefined) return undefined;
  return typeof last === 'string' ? last : last.toString('utf8');
}

/** All headers of a record as UTF-8 strings. */
export function headersAsText(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  if (headers === undefined) return result;
  for (const name of Object.keys(headers)) {
    const text = headerText(headers[name]);
    if (text !== undefined) result[name] = text;
  }
  return result;
}

/** An EventEnvelope over one kafkajs record; header-derived fields are computed on first read. */
export class RecordEnvelope implements EventEnvelope {
  private decodedHeaders: Record<string, string> | undefined;

  constructor(
    readonly topic: string,
    readonly partition: number,
    private readonly record: KafkaMessage,
    private readonly writer: WriterInfo,
  ) {}

  get headers(): Record<string, string> {
    return (this.decodedHeaders ??= headersAsText(this.record.headers));
  }
  get id(): string {
    return this.headers['ce_id'] ?? '';
  }
  get type(): string {
    return this.headers['ce_type'] ?? this.topic;
  }
  get time(): string {
    return this.headers['ce_time'] ?? '';
  }
  get source(): string {
    return this.headers['ce_source'] ?? '';
  }
  get subject(): string | undefined {
    return this.headers['ce_subject'];
  }
  get key(): string | null {
    return this.record.key === null ? null : this.record.key.toString('utf8');
  }
  get offset(): string {
    return this.record.offset;
  }
  /** The record's value bytes as written (Confluent wire format); not part of EventEnvelope or its JSON. */
  get value(): Buffer {
    return this.record.value ?? Buffer.alloc(0);
  }
  get timestamp(): string {
    return this.record.timestamp;
  }
  get schemaId(): number {
    return this.writer.schemaId;
  }
  get version(): number {
    return this.writer.version;
  }
  get writerSchema(): AvroSchemaJson {
    return this.writer.schema;
  }

  /** A plain object with every field: getters live on the prototype, which JSON.stringify skips. */
  toJSON(): EventEnvelope {
    const { id, type, version, schemaId, writerSchema, time, source, subject, key, headers } = this;
    const { topic, partition, offset, timestamp } = this;
    return {
      id,
      type,
      version,
      schemaId,
      writerSchema,
      time,
      source,
      ...(subject === undefined ? {} : { subject }),
      key,
      headers,
      topic,
      partition,
      offset,
      timestamp,
    };
  }
}
