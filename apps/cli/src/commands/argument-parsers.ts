/**
 * Parsers for the option values `herald publish|tail|replay` share. Each throws commander's
 * InvalidArgumentError, so a bad value is a usage error (exit 2) with the option named by commander.
 */
import { InvalidArgumentError } from 'commander';
import { splitBrokerList } from '@app/config';

/** Herald event type names (docs/architecture.md): `<domain>.<entity>.<past-tense-verb>`. */
const EVENT_TYPE = /^[a-z][a-z0-9]*(\.[a-z][a-z0-9_]*){2}$/;
/** Kafka's own rule for topic names (max 249 characters of [a-zA-Z0-9._-]). */
const TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

export function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(parsed) || parsed < 1) {
    throw new InvalidArgumentError(`must be a whole number, at least 1 (got "${value}")`);
  }
  return parsed;
}

export function nonNegativeInteger(value: string): number {
  const parsed = Number(value);
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(parsed)) {
    throw new InvalidArgumentError(`must be a whole number, 0 or more (got "${value}")`);
  }
  return parsed;
}

/** Kafka's largest offset (a signed 64-bit integer). */
const MAX_OFFSET = 2n ** 63n - 1n;

/** A Kafka offset: a whole number up to 2^63 - 1, kept as its decimal string (beyond 2^53). */
export function kafkaOffset(value: string): string {
  if (!/^[0-9]+$/.test(value) || BigInt(value) > MAX_OFFSET) {
    throw new InvalidArgumentError(`must be a Kafka offset: a whole number, 0 or more (got "${value}")`);
  }
  return BigInt(value).toString();
}

export function eventType(value: string): string {
  if (!EVENT_TYPE.test(value)) {
    throw new InvalidArgumentError(
      `"${value}" is not an event type name: expected <domain>.<entity>.<past-tense-verb>, e.g. payments.payment.received`,
    );
  }
  return value;
}

export function topicName(value: string): string {
  if (!TOPIC.test(value) || value === '.' || value === '..') {
    throw new InvalidArgumentError(
      `"${value}" is not a Kafka topic name (1-249 characters of letters, digits, ".", "_" and "-")`,
    );
  }
  return value;
}

/** `10m`, `1h30m`, `2d`, `500ms` → milliseconds; undefined when `text` is not a duration. */
export function parseDurationMs(text: string): number | undefined {
  const parts = [...text.matchAll(/(\d+)(ms|s|m|h|d|w)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== text) return undefined;
  return parts.reduce((total, [, amount, unit]) => total + Number(amount) * (UNIT_MS[unit!] ?? 0), 0);
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * A point in time given as RFC 3339 (`2026-11-27T10:00:00Z`, an offset is required: a local time
 * would mean something else on every machine) or as a duration before `now` (`10m`, `2h`, `1d`).
 */
export function parseTimePoint(text: string, now: Date = new Date()): Date {
  const duration = parseDurationMs(text);
  if (duration !== undefined) return new Date(now.getTime() - duration);
  const millis = RFC3339.test(text) ? Date.parse(text.replace(' ', 'T')) : Number.NaN;
  if (Number.isNaN(millis)) {
    throw new InvalidArgumentError(
      `"${text}" is neither an RFC 3339 time with an offset (2026-11-27T10:00:00Z) nor a duration before now (90s, 10m, 2h, 1d, 1h30m)`,
    );
  }
  return new Date(millis);
}

/** The option parser form: commander calls it with the raw value. */
export function timePoint(value: string): Date {
  return parseTimePoint(value);
}

/** `host:port[,host:port…]`. */
export function brokerList(value: string): string[] {
  const parsed = splitBrokerList(value);
  if ('error' in parsed) throw new InvalidArgumentError(parsed.error);
  return parsed.brokers;
}

/** A consumer group id. */
export function groupName(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('must not be empty');
  return value;
}

export function httpUrl(value: string): string {
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
    throw new InvalidArgumentError(`must be an http(s) URL, got "${value}"`);
  }
  return value;
}
