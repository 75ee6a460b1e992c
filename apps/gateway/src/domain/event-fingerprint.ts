/**
 * What makes two requests with one id "the same event", for the idempotency window. Since
 * 2026-12-06 (scheme `3:`) it is the event as encoded, not as spelled: the type, the resolved
 * schema version, the resolved partition key, the subject, the time as an instant, and the
 * Avro bytes of the data. Avro binary is canonical, so `"amount_minor": 100` and `"100"`,
 * key order, `1.0` and `1` encode alike; `…00Z` and `…00.000Z` are one instant; no `key` and
 * a `key` equal to the key field give one record key; no `version` and the version that was
 * latest give one schema.
 *
 * The resolved version is part of the stored fingerprint's text (`3:<version>:<sha256>`), so a
 * retry without a version that now resolves to a newer one (a version pushed in between) is
 * re-encoded at the stored version and compared there (`EventPreparer.sameEvent`).
 *
 * Rows written by older gateways keep matching the same request during a rolling upgrade and
 * the dedupe window after it: `2:` rows (2026-11-27 to this scheme) by `fingerprintV2`,
 * unprefixed rows (before) by `legacyFingerprint`. Both can go once a full window has passed
 * with every instance on scheme 3. The `traceparent` is not part of any scheme: a retry may
 * carry another trace.
 */
import { createHash, hash } from 'node:crypto';
import stableStringify from 'safe-stable-stringify';
import type { PublishRequest } from './publish-request';

/** Marks this scheme's fingerprints: `3:<resolved version>:<sha256 hex>`. */
export const FINGERPRINT_VERSION = '3:';
/** The previous scheme's prefix (2026-11-27). */
export const FINGERPRINT_V2 = '2:';

/** The event as it goes to Kafka, minus what differs between two sends of it (id, trace). */
export interface EncodedEvent {
  readonly type: string;
  /** The schema version the data was encoded with. */
  readonly version: number;
  /** The record key: the request's `key`, else the key field's value; null when neither. */
  readonly key: string | null;
  readonly subject?: string;
  /** The request's `time` (RFC 3339) or undefined when the gateway stamps it. */
  readonly time?: string;
  /** Confluent wire format: 0x00, schema id, Avro binary. */
  readonly wire: Buffer;
}

export function encodedFingerprint(event: EncodedEvent): string {
  const envelope = JSON.stringify([
    event.type,
    event.version,
    event.key,
    event.subject ?? null,
    event.time === undefined ? null : canonicalInstant(event.time),
  ]);
  // One-shot hash of the concatenated input: a Hash object and its updates cost more per event
  // than the hashing itself.
  const digest = hash('sha256', Buffer.concat([Buffer.from(`${envelope}\0avro\0`), event.wire]), 'hex');
  return `${FINGERPRINT_VERSION}${event.version}:${digest}`;
}

/** The resolved version a scheme-3 fingerprint names, or undefined for another scheme. */
export function fingerprintVersion(stored: string): number | undefined {
  if (!stored.startsWith(FINGERPRINT_VERSION)) return undefined;
  const end = stored.indexOf(':', FINGERPRINT_VERSION.length);
  const version = Number(stored.slice(FINGERPRINT_VERSION.length, end));
  return end > 0 && Number.isSafeInteger(version) ? version : undefined;
}

/**
 * An RFC 3339 timestamp as the instant it names, in a form that is equal exactly when the
 * instants are: UTC seconds since the epoch and the fraction without trailing zeros
 * (`…00Z`, `…00.000Z` and `…01:00+01:00` are one instant). Text that does not parse is kept
 * as it is (the envelope's check lets only RFC 3339 through).
 */
export function canonicalInstant(time: string): string {
  const m = RFC3339.exec(time);
  if (!m) return time;
  const [, y, mo, d, h, mi, s, fraction, zone] = m;
  const date = new Date(0);
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(s), 0);
  let seconds = date.getTime() / 1000;
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone!.startsWith('-') ? -1 : 1;
    seconds -= sign * (Number(zone!.slice(1, 3)) * 3600 + Number(zone!.slice(4, 6)) * 60);
  }
  const digits = (fraction ?? '').slice(1).replace(/0+$/, '');
  return digits === '' ? String(seconds) : `${seconds}.${digits}`;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Scheme 2 (2026-11-27): the request as sent (requested version, not the resolved one), the
 * data by its Avro encoding when the version was pinned, else by its sorted-key JSON.
 */
export function fingerprintV2(request: PublishRequest, wire: Buffer): string {
  const envelope = JSON.stringify([
    request.type,
    request.version ?? null,
    request.key ?? null,
    request.subject ?? null,
    request.time ?? null,
  ]);
  if (request.version !== undefined) {
    return FINGERPRINT_V2 + hash('sha256', Buffer.concat([Buffer.from(`${envelope}\0avro\0`), wire]), 'hex');
  }
  return FINGERPRINT_V2 + hash('sha256', `${envelope}\0json\0${stableStringify(request.data) ?? ''}`, 'hex');
}

/** The scheme before 2026-11-27: SHA-256 of the stable-stringified envelope and data. */
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
