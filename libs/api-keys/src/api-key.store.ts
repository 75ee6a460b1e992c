/** API keys in the gateway's Postgres schema: create (the secret is returned once), list, revoke, find. */
import { randomBytes } from 'node:crypto';
import type { Generated, Kysely, Selectable } from 'kysely';
import {
  ApiKeyInputError,
  assertProducerName,
  assertTypePattern,
  generateApiKeySecret,
  hashApiKeySecret,
  type ApiKeyRecord,
} from './api-key';

interface ApiKeysTable {
  id: string;
  secret_hash: string;
  hint: string;
  producer: string;
  patterns: string[];
  rate_limit_per_second: number | null;
  created_at: Generated<Date>;
  revoked_at: Generated<Date | null>;
}

export interface ApiKeysDatabase {
  api_keys: ApiKeysTable;
}

export interface NewApiKey {
  readonly producer: string;
  readonly patterns: readonly string[];
  readonly rateLimitPerSecond?: number | null;
}

export interface CreatedApiKey {
  readonly record: ApiKeyRecord;
  /** Shown once: only its hash is stored. */
  readonly secret: string;
}

function toRecord(row: Selectable<ApiKeysTable>): ApiKeyRecord {
  return {
    id: row.id,
    producer: row.producer,
    patterns: row.patterns,
    rateLimitPerSecond: row.rate_limit_per_second,
    hint: row.hint,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

export class ApiKeyStore {
  constructor(private readonly db: Kysely<ApiKeysDatabase>) {}

  async create(input: NewApiKey): Promise<CreatedApiKey> {
    assertProducerName(input.producer);
    if (input.patterns.length === 0) throw new ApiKeyInputError('a key needs at least one type pattern');
    input.patterns.forEach(assertTypePattern);
    const rate = input.rateLimitPerSecond ?? null;
    if (rate !== null && (!Number.isInteger(rate) || rate < 1)) {
      throw new ApiKeyInputError(`rate limit must be a whole number of events per second ≥ 1, got ${rate}`);
    }
    const secret = generateApiKeySecret();
    const row = await this.db
      .insertInto('api_keys')
      .values({
        id: `key_${randomBytes(8).toString('hex')}`,
        secret_hash: hashApiKeySecret(secret),
        hint: secret.slice(0, 9),
        producer: input.producer,
        patterns: [...input.patterns],
        rate_limit_per_second: rate,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { record: toRecord(row), secret };
  }

  async list(): Promise<ApiKeyRecord[]> {
    const rows = await this.db.selectFrom('api_keys').selectAll().orderBy('created_at').execute();
    return rows.map(toRecord);
  }

  /** Returns false when no key has that id; revoking twice keeps the first revocation time. */
  async revoke(id: string): Promise<boolean> {
    const result = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: new Date() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) > 0) return true;
    const existing = await this.db
      .selectFrom('api_keys')
      .select('id')
      .where('id', '=', id)
      .executeTakeFirst();
    return existing !== undefined;
  }

  /** The active key whose secret this is, or undefined (unknown or revoked). */
  async findActiveBySecret(secret: string): Promise<ApiKeyRecord | undefined> {
    const row = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('secret_hash', '=', hashApiKeySecret(secret))
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return row && toRecord(row);
  }
}
