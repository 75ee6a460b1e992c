/**
 * Builds a delivery's body from the stored message: the Avro bytes are decoded with their writer
 * schema and, when the endpoint pins a version of the type, resolved to that version (Avro schema
 * resolution), then mapped to JSON by the schema core's mapping and shaped in the endpoint's
 * format (body-formats.ts: Herald's standard JSON or a CloudEvent). Compiled readers and mappings
 * are cached: schema ids and registered versions never change.
 */
import type * as avro from 'avsc';
import type { RegistryClient } from '@app/registry-client';
import { AvroCodec, createAvroType, JsonAvroMapping, type AvroSchemaJson } from '@app/schema';
import type { EndpointFormat } from '../domain/endpoint';
import { renderBody, type RenderedBody } from './body-formats';

export interface StoredMessage {
  readonly eventId: string;
  readonly type: string;
  readonly topic: string;
  readonly time: string;
  readonly source: string;
  readonly subject: string | null;
  readonly value: Buffer;
}

interface Reader {
  readonly version: number;
  readonly type: avro.Type;
  readonly mapping: JsonAvroMapping;
}

/** How one endpoint takes the message. */
export interface RenderOptions {
  /** The endpoint's version for this type, if it pins one. */
  readonly pinned: number | undefined;
  readonly format: EndpointFormat;
  /** The event's W3C trace context, carried by the CloudEvents body (the header carries it always). */
  readonly traceparent: string | null;
}

type Registry = Pick<RegistryClient, 'schemaById' | 'versionsOfId' | 'version'>;

export class PayloadRenderer {
  private readonly codec: AvroCodec;
  private readonly readers = new Map<string, Promise<Reader>>();
  private readonly writers = new Map<number, Promise<{ version: number; mapping: JsonAvroMapping }>>();

  constructor(private readonly registry: Registry) {
    this.codec = new AvroCodec(registry);
  }

  /** The body's text, its content type, and the version `data` is in. */
  async render(message: StoredMessage, options: RenderOptions): Promise<RenderedBody> {
    let version: number;
    let data: unknown;
    if (options.pinned === undefined) {
      const decoded = await this.codec.decode(message.value);
      const writer = await this.writer(message.topic, decoded.schemaId);
      version = writer.version;
      data = writer.mapping.toJson(decoded.value);
    } else {
      const reader = await this.reader(message.topic, options.pinned);
      const decoded = await this.codec.decode(message.value, reader.type);
      version = reader.version;
      data = reader.mapping.toJson(decoded.value);
    }
    return renderBody(options.format, {
      eventId: message.eventId,
      type: message.type,
      topic: message.topic,
      version,
      time: message.time,
      source: message.source,
      subject: message.subject,
      traceparent: options.traceparent,
      data,
    });
  }

  private writer(topic: string, schemaId: number): Promise<{ version: number; mapping: JsonAvroMapping }> {
    let pending = this.writers.get(schemaId);
    if (pending === undefined) {
      pending = Promise.all([this.registry.schemaById(schemaId), this.registry.versionsOfId(schemaId)]).then(
        ([schema, refs]) => ({
          version: refs.find((r) => r.subject === `${topic}-value`)?.version ?? 0,
          mapping: JsonAvroMapping.compile(schema),
        }),
      );
      pending.catch(() => this.writers.delete(schemaId));
      this.writers.set(schemaId, pending);
    }
    return pending;
  }

  private reader(topic: string, version: number): Promise<Reader> {
    const key = `${topic}-value/${version}`;
    let pending = this.readers.get(key);
    if (pending === undefined) {
      pending = this.registry.version(`${topic}-value`, version).then((found) => {
        if (found === undefined) throw new Error(`version ${version} of ${topic} is not registered`);
        const schema: AvroSchemaJson = found.schema;
        return { version, type: createAvroType(schema), mapping: JsonAvroMapping.compile(schema) };
      });
      pending.catch(() => this.readers.delete(key));
      this.readers.set(key, pending);
    }
    return pending;
  }
}
