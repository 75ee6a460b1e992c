/** The webhooks app's configuration: the environment variables it reads, validated at boot. */
import { z } from 'zod';
import {
  optionalRegExp,
  brokerList,
  consumerGroupId,
  httpHost,
  logLevel,
  port,
  postgresUrl,
  databaseVariables,
  kafkaSecurityVariables,
  registryClientVariables,
} from '@app/platform';
import { parseAllowlist } from './http';

/**
 * `WEBHOOKS_ENCRYPTION_KEYS`: `<key id>:<base64 of 32 bytes>` entries, comma-separated. The first
 * encrypts new secrets; every entry decrypts (so a key can be rotated: put the new one first, keep
 * the old one while secrets encrypted with it exist).
 */
const encryptionKeys = z
  .string({ error: 'is required: <key id>:<base64 of 32 random bytes>[,<older key>...]' })
  .transform((value, ctx) => {
    const keys: Array<{ id: string; key: Buffer }> = [];
    for (const entry of value.split(',').map((e) => e.trim())) {
      const match = /^([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/]+={0,2})$/.exec(entry);
      const key = match ? Buffer.from(match[2]!, 'base64') : undefined;
      if (!match || key?.length !== 32) {
        ctx.addIssue({
          code: 'custom',
          message: 'each entry must be <key id>:<base64 of exactly 32 bytes> (openssl rand -base64 32)',
        });
        return z.NEVER;
      }
      if (keys.some((k) => k.id === match[1])) {
        ctx.addIssue({ code: 'custom', message: `key id "${match[1]}" appears twice` });
        return z.NEVER;
      }
      keys.push({ id: match[1]!, key });
    }
    return keys;
  });

const millis = (fallback: number, min = 0) =>
  z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int('must be a whole number of milliseconds')
    .min(min, `must be at least ${min} ms`)
    .default(fallback);

/** `0,5s,5m,30m,2h,5h,10h,10h`: the delay before each attempt, the first one included. */
const retrySchedule = z
  .string()
  .default('0,5s,5m,30m,2h,5h,10h,10h')
  .transform((value, ctx) => {
    const units: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
    const delays: number[] = [];
    for (const part of value.split(',').map((p) => p.trim())) {
      const match = /^(\d+)(ms|s|m|h|d)?$/.exec(part);
      if (!match) {
        ctx.addIssue({
          code: 'custom',
          message: `"${part}" is not a delay such as 0, 500ms, 5s, 5m, 2h or 1d`,
        });
        return z.NEVER;
      }
      delays.push(Number(match[1]) * units[match[2] ?? 'ms']!);
    }
    if (delays.length > 50) {
      ctx.addIssue({ code: 'custom', message: 'at most 50 attempts' });
      return z.NEVER;
    }
    return delays;
  });

export const webhooksConfigSchema = z.object({
  WEBHOOKS_PORT: port(8082),
  HOST: httpHost,
  KAFKA_BROKERS: brokerList,
  ...kafkaSecurityVariables,
  DATABASE_URL: postgresUrl,
  ...databaseVariables,
  ...registryClientVariables,
  LOG_LEVEL: logLevel,
  SCHEMA_REGISTRY_URL: z.url({ error: 'must be an http(s) URL' }).default('http://127.0.0.1:8081'),
  /** The catalog (event types, tenant fields, compatibility levels). */
  SCHEMAS_DIR: z.string().min(1).default('schemas'),
  /** Bearer token of the admin API (endpoints, deliveries). Required: no admin API without it. */
  WEBHOOKS_ADMIN_TOKEN: z
    .string({ error: 'is required (npm run up generates one): a bearer token of at least 24 characters' })
    .min(24, 'must be at least 24 characters'),
  WEBHOOKS_ENCRYPTION_KEYS: encryptionKeys,
  /** The fan-out consumer group; instances sharing it share the partitions. Tests must set their own. */
  WEBHOOKS_GROUP_ID: consumerGroupId('webhooks'),
  /** A regular expression narrowing the event-type topics fanned out (unset: every type). */
  WEBHOOKS_TOPIC_PATTERN: optionalRegExp,
  /** CIDRs whose addresses are allowed as destinations despite the SSRF rules (e.g. 10.0.0.0/8). */
  WEBHOOKS_ALLOWLIST: z
    .string()
    .default('')
    .transform((value, ctx) => {
      try {
        return parseAllowlist(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
        return z.NEVER;
      }
    }),
  /** How long a rotated-out secret keeps signing beside the new one. */
  WEBHOOKS_SECRET_OVERLAP_MS: millis(24 * 3_600_000),
  /** Total time of one delivery attempt (connect, send, response). */
  WEBHOOKS_TIMEOUT_MS: millis(15_000, 100),
  WEBHOOKS_RETRY_SCHEDULE: retrySchedule,
  /** An endpoint failing without a success for this long is disabled. */
  WEBHOOKS_DISABLE_AFTER_MS: millis(5 * 86_400_000, 1_000),
  /** Deliveries in flight at once per instance. */
  WEBHOOKS_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(32),
  /** Attempts of delivered deliveries older than this are pruned. */
  WEBHOOKS_ATTEMPT_RETENTION_MS: millis(30 * 86_400_000, 60_000),
  /** The most failed deliveries one recover job makes due again. */
  WEBHOOKS_RECOVER_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  /** The most deliveries one replay job creates. */
  WEBHOOKS_REPLAY_LIMIT: z.coerce.number().int().min(1).max(10_000_000).default(100_000),
  /** How long a job stays claimed by an instance that stopped renewing it (one that died) before another resumes it. */
  WEBHOOKS_JOB_LEASE_MS: millis(30_000, 1_000),
});

export type WebhooksConfig = z.output<typeof webhooksConfigSchema>;
