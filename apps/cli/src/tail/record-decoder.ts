/**
 * Turns one Kafka record of an event topic into what `herald tail` prints: the CloudEvents
 * envelope from the headers, the Kafka coordinates, and the data decoded through the registry
 * (resolved to a reader version when asked) in Herald's JSON mapping. A record that does not
 * decode becomes an entry with its error: tail shows it in place, it never skips it.
 */
import type { KafkaMessage } from 'kafkajs';
import { headersAsText } from '@app/kafka';
import type { RegistryClient } from '@app/registry-client';
import { AvroCodec, CodecError, JsonAvroMapping } from '@app/schema';

interface Coordinates {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** Record timestamp, RFC 3339. */
  readonly timestamp: string;
  readonly key: string | null;
  readonly headers: Record<string, string>;
}

export type TailEntry =
  | (Coordinates & {
      readonly kind: 'event';
      readonly id: string | undefined;
      readonly type: string | undefined;
      readonly source: string | undefined;
      readonly time: string | undefined;
      readonly schemaId: number;
      /** The writer's version under `<topic>-value`; undefined when the id is registered elsewhere. */
      readonly version: number | undefined;
      readonly readerVersion: number | undefined;
      readonly data: unknown;
    })
  | (Coordinates & { readonly kind: 'error'; readonly code: string; readonly message: string });

export type RegistryLookups = Pick<RegistryClient, 'schemaById' | 'versionsOfId' | 'version'>;

export class TailRecordDecoder {
  private readonly codec: AvroCodec;
  private readonly writerMappings = new Map<number, Promise<JsonAvroMapping>>();

  private constructor(
    private readonly registry: RegistryLookups,
    private readonly subject: string,
    private readonly reader: { version: number; mapping: JsonAvroMapping } | undefined,
  ) {
    this.codec = new AvroCodec(registry);
  }

  /** Resolves the reader version first: a version that does not exist is a usage error for the caller. */
  static async create(
    registry: RegistryLookups,
    topic: string,
    readerVersion: number | undefined,
  ): Promise<TailRecordDecoder | { missingVersion: number; subject: string }> {
    const subject = `${topic}-value`;
    if (readerVersion === undefined) return new TailRecordDecoder(registry, subject, undefined);
    const registered = await registry.version(subject, readerVersion);
    if (registered === undefined) return { missingVersion: readerVersion, subject };
    const mapping = JsonAvroMapping.compile(registered.schema);
    return new TailRecordDecoder(registry, subject, { version: readerVersion, mapping });
  }

  async decode(topic: string, partition: number, record: KafkaMessage): Promise<TailEntry> {
    const coordinates = coordinatesOf(topic, partition, record);
    if (record.value === null) {
      return {
        ...coordinates,
        kind: 'error',
        code: 'NO_VALUE',
        message: 'the record has no value (a tombstone)',
      };
    }
    try {
      const decoded = await this.codec.decode(record.value, this.reader?.mapping.type);
      const mapping = this.reader?.mapping ?? (await this.writerMapping(decoded.schemaId));
      const headers = coordinates.headers;
      return {
        ...coordinates,
        kind: 'event',
        id: headers['ce_id'],
        type: headers['ce_type'],
        source: headers['ce_source'],
        time: headers['ce_time'],
        schemaId: decoded.schemaId,
        version: await this.writerVersion(decoded.schemaId),
        readerVersion: this.reader?.version,
        data: mapping.toJson(decoded.value),
      };
    } catch (error) {
      const code = error instanceof CodecError ? error.code : 'DECODE_FAILED';
      return { ...coordinates, kind: 'error', code, message: (error as Error).message };
    }
  }

  private writerMapping(schemaId: number): Promise<JsonAvroMapping> {
    let pending = this.writerMappings.get(schemaId);
    if (pending === undefined) {
      pending = this.registry.schemaById(schemaId).then((schema) => JsonAvroMapping.compile(schema));
      pending.catch(() => this.writerMappings.delete(schemaId));
      this.writerMappings.set(schemaId, pending);
    }
    return pending;
  }

  private async writerVersion(schemaId: number): Promise<number | undefined> {
    const refs = await this.registry.versionsOfId(schemaId).catch(() => []);
    return refs.find((ref) => ref.subject === this.subject)?.version;
  }
}

function coordinatesOf(topic: string, partition: number, record: KafkaMessage): Coordinates {
  const millis = Number(record.timestamp);
  return {
    topic,
    partition,
    offset: record.offset,
    timestamp: Number.isFinite(millis) ? new Date(millis).toISOString() : record.timestamp,
    key: record.key === null ? null : record.key.toString('utf8'),
    headers: headersAsText(record.headers),
  };
}
