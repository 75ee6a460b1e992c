/**
 * Turns one validated envelope into the Kafka record the gateway will write: authorises the
 * type for the producer, validates data against the schema version (every violation as a
 * `/data/...` pointer), picks the key, encodes the Confluent wire format, builds the
 * CloudEvents Kafka-binding headers and fingerprints the content for idempotency.
 */
import { createHash, hash } from 'node:crypto';
import stableStringify from 'safe-stable-stringify';
import type { AvroCodec } from '@app/schema';
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
  readonly fingerprint: string;
  /** The fingerprint as gateways before `FINGERPRINT_VERSION` wrote it (see `legacyFingerprint`). */
  readonly legacyFingerprint: () => string;
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
      fingerprint: fingerprint(request, value),
      legacyFingerprint: () => legacyFingerprint(request),
      record,
    };
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

/**
 * The content that makes "the same event": the request as the client sent it (requested
 * version, not the resolved one, so a retry stays a duplicate when a new version is pushed
 * in between). With a pinned version the data is fingerprinted by its Avro encoding (the
 * wire bytes name the version's schema id): Avro binary is canonical, so JSON key order,
 * `1.0` vs `1` and the like do not matter, and hashing 100 bytes is far cheaper than a stable
 * stringification of the JSON. Without one, by the JSON with object keys sorted.
 */
/** Marks this scheme's fingerprints; rows without it were written by the legacy scheme. */
export const FINGERPRINT_VERSION = '2:';

export function fingerprint(request: PublishRequest, wire: Buffer): string {
  const envelope = JSON.stringify([
    request.type,
    request.version ?? null,
    request.key ?? null,
    request.subject ?? null,
    request.time ?? null,
  ]);
  // One-shot hashes of the concatenated input (the same digest as updating piece by piece):
  // a Hash object and its updates cost ~1 µs more per event than the hashing itself.
  if (request.version !== undefined) {
    return (
      FINGERPRINT_VERSION + hash('sha256', Buffer.concat([Buffer.from(`${envelope}\0avro\0`), wire]), 'hex')
    );
  }
  return (
    FINGERPRINT_VERSION + hash('sha256', `${envelope}\0json\0${stableStringify(request.data) ?? ''}`, 'hex')
  );
}

/**
 * The scheme of gateways before 2026-11-27 (SHA-256 of the stable-stringified envelope and
 * data), so a retry of an event they published is still recognised during a rolling upgrade
 * and the dedupe window after it. Computed only when a stored row has a legacy fingerprint;
 * it can go once a full window has passed with every instance on FINGERPRINT_VERSION.
 */
export function legacyFingerprint(request: PublishRequest): string {
  const content = stableStringify([
    request.type,
    request.version ?? null,
    request.key ?? null,
    request.subject ?? null,
    request.time ?? null,
    request.data,
  ]);
  return createHash('sha256')
    .update(content ?? '')
    .digest('hex');
}
