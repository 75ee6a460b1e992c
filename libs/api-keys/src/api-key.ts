/**
 * API keys for the gateway: the secret format, how it is hashed for storage, and what a key
 * may publish. Keys are 256-bit random secrets, so a single SHA-256 is the right hash: a
 * slow password hash (bcrypt, scrypt) protects low-entropy passwords and would only cost
 * latency on every request here.
 */
import { createHash, randomBytes } from 'node:crypto';

/** Recognisable in logs and by secret scanners; the rest is 32 random bytes, base64url. */
export const API_KEY_PREFIX = 'hrld_';

export interface ApiKeyRecord {
  /** Public identifier used by `herald keys list|revoke`; never the secret. */
  readonly id: string;
  /** Becomes `ce_source` on every event published with the key. */
  readonly producer: string;
  /** Event-type patterns the key may publish: `payments.*`, `orders.order.shipped`, `*`. */
  readonly patterns: readonly string[];
  /** Events per second; null means the gateway's default. */
  readonly rateLimitPerSecond: number | null;
  /** The first characters of the secret, so a human can tell keys apart. */
  readonly hint: string;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
}

export function generateApiKeySecret(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function hashApiKeySecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

const PRODUCER = /^[a-z0-9][a-z0-9._-]{0,99}$/;
const PATTERN = /^(\*|[a-z][a-z0-9_]*)(\.(\*|[a-z][a-z0-9_]*)){0,2}$/;

export class ApiKeyInputError extends Error {
  override name = 'ApiKeyInputError';
}

export function assertProducerName(producer: string): void {
  if (!PRODUCER.test(producer)) {
    throw new ApiKeyInputError(
      `producer "${producer}" must be 1-100 characters: lower-case letters, digits, '.', '_' or '-', starting with a letter or digit`,
    );
  }
}

export function assertTypePattern(pattern: string): void {
  if (!PATTERN.test(pattern)) {
    throw new ApiKeyInputError(
      `type pattern "${pattern}" must be an event type (payments.payment.received) or end in '*' segments (payments.*, *)`,
    );
  }
}

/**
 * `*` as the last segment matches one or more remaining segments (`payments.*` matches
 * `payments.payment.received`); elsewhere it matches exactly one segment.
 */
export function typeMatchesPattern(type: string, pattern: string): boolean {
  const parts = type.split('.');
  const wanted = pattern.split('.');
  for (let i = 0; i < wanted.length; i++) {
    const segment = wanted[i];
    const last = i === wanted.length - 1;
    if (segment === '*' && last) return parts.length > i;
    if (i >= parts.length) return false;
    if (segment !== '*' && segment !== parts[i]) return false;
  }
  return parts.length === wanted.length;
}

export function keyAllowsType(key: Pick<ApiKeyRecord, 'patterns'>, type: string): boolean {
  return key.patterns.some((pattern) => typeMatchesPattern(type, pattern));
}
