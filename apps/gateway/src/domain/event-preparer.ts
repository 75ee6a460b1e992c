/**
 * Turns one validated envelope into the Kafka record the gateway will write: authorises the
 * type for the producer, validates data against the schema version (every violation as a
 * `/data/...` pointer), picks the key, encodes the Confluent wire format, builds the
 * CloudEvents Kafka-binding headers and fingerprints the content for idempotency.
 */
import type { AvroCodec } from '@app/schema';
import {
  encodedFingerprint,
  FINGERPRINT_V2,
  fingerprintV2,
  fingerprintVersion,
  legacyFingerprint,
} from './event-fingerprint';
import { newEventId } from './event-ids';
import type { EventTypeResolver } from './event-type.resolver';
import { GatewayError } from './gateway-errors';
import type { OutgoingRecord } from './ports';
import type { PublishRequest } from './publish-request';

/** Who is publishing: from the API key. */
export interface Publisher {
  /** Becomes `ce_source`. */
  readonly producer: string;
  allows(type: string): boolean;
}

export interface PreparedEvent {
  readonly id: string;
  /** The gateway made the id up (the request had none): nobody else can hold it yet. */
  readonly generatedId: boolean;
  readonly type: string;
  readonly version: number;
  /** The event as encoded (event-fingerprint.ts). */
  readonly fingerprint: string;
  /**
   * Whether a stored fingerprint other than `fingerprint` still names this event: one of an
   * older scheme, or one made at another resolved version (a versionless retry after a push).
   */
  readonly sameEvent: (stored: string) => Promise<boolean>;
  readonly record: OutgoingRecord;
}

export interface PreparerSettings {
  readonly maxEventBytes: number;
  /** Base URL put into `ce_dataschema` (`<registry>/subjects/<subject>/versions/<n>`). */
  readonly registryUrl: string;
}

export class EventPreparer {
  constructor(
    private readonly resolver: EventTypeResolver,
    private readonly codec: AvroCodec,
    private readonly settings: PreparerSettings,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async prepare(request: PublishRequest, publisher: Publisher, prefix = ''): Promise<PreparedEvent> {
    try {
      this.resolver.checkTypeName(request.type);
    } catch (error) {
      throw prefixed(error, prefix);
    }
    if (!publisher.allows(request.type)) {
      throw new GatewayError('forbidden', `this API key may not publish "${request.type}"`, [
        { path: `${prefix}/type`, message: `not among the key's allowed type patterns` },
      ]);
    }
    const target = await this.resolver.resolve(request.type, request.version).catch((error: unknown) => {
      throw prefixed(error, prefix);
    });
    const mapped = target.mapping.fromJson(request.data);
    if (!mapped.ok) {
      throw GatewayError.unprocessable(
        `the data does not match ${target.type} v${target.version}`,
        mapped.issues.map((issue) => ({ path: `${prefix}/data${issue.path}`, message: issue.message })),
      );
    }
    const value = this.codec.encode(target.schemaId, target.mapping.type, mapped.value);
    if (value.length > this.settings.maxEventBytes) {
      throw new GatewayError(
        'too-large',
        `the encoded event is ${value.length} bytes; the limit is ${this.settings.maxEventBytes}`,
        [
          {
            path: `${prefix}/data`,
            message: `encodes to ${value.length} bytes (limit ${this.settings.maxEventBytes})`,
          },
        ],
      );
    }
    const id = request.id ?? newEventId();
    const record: OutgoingRecord = {
      topic: target.topic,
      key: request.key ?? keyFromData(request.data, target.keyField),
      value,
      headers: this.headers(request, id, target.version, publisher),
    };
    return {
      id,
      generatedId: request.id === undefined,
      type: target.type,
      version: target.version,
      fingerprint: encodedFingerprint({ ...request, version: target.version, key: record.key, wire: value }),
      sameEvent: (stored) => this.sameEvent(request, value, stored),
      record,
    };
  }

  /** See `PreparedEvent.sameEvent`; only asked when the stored fingerprint differs. */
  private async sameEvent(request: PublishRequest, wire: Buffer, stored: string): Promise<boolean> {
    if (stored.startsWith(FINGERPRINT_V2)) return fingerprintV2(request, wire) === stored;
    const version = fingerprintVersion(stored);
    if (version === undefined) return legacyFingerprint(request) === stored;
    // A request that names its version means that version; one without means the latest, which
    // may have moved on since the stored event was encoded: compare at the stored one.
    if (request.version !== undefined) return false;
    try {
      const target = await this.resolver.resolve(request.type, version);
      const mapped = target.mapping.fromJson(request.data);
      if (!mapped.ok) return false;
      const value = this.codec.encode(target.schemaId, target.mapping.type, mapped.value);
      const key = request.key ?? keyFromData(request.data, target.keyField);
      return encodedFingerprint({ ...request, version, key, wire: value }) === stored;
    } catch {
      // The stored version is gone from the registry, or the data cannot be encoded at it.
      return false;
    }
  }

  private headers(
    request: PublishRequest,
    id: string,
    version: number,
    publisher: Publisher,
  ): Record<string, string> {
    const headers: Record<string, string> = {
      ce_specversion: '1.0',
      ce_id: id,
      ce_source: publisher.producer,
      ce_type: request.type,
      ce_time: request.time ?? this.clock().toISOString(),
      ce_dataschema: `${this.settings.registryUrl}/subjects/${request.type}-value/versions/${version}`,
      'content-type': 'application/avro',
    };
    if (request.subject !== undefined) headers.ce_subject = request.subject;
    if (request.traceparent !== undefined) headers.traceparent = request.traceparent;
    return headers;
  }
}

function prefixed(error: unknown, prefix: string): unknown {
  if (!(error instanceof GatewayError) || prefix === '') return error;
  const violations = error.violations.map((v) => ({ ...v, path: `${prefix}${v.path}` }));
  return new GatewayError(error.kind, error.message, violations, error.retryAfterSeconds, {
    cause: error.cause,
  });
}

/** The key field's value as the record key (UTF-8 text); null when the data has none. */
function keyFromData(data: unknown, field: string | undefined): string | null {
  if (field === undefined || typeof data !== 'object' || data === null) return null;
  const value = (data as Record<string, unknown>)[field];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return null;
}
