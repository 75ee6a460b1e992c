/**
 * The endpoints and their sealed secrets on PostgreSQL (the EndpointStore port). Every write is
 * one transaction that also sends the change notification (endpoint-rows.ts). An update locks the
 * row while the use case decides the new state, so two concurrent PATCHes never lose each other's
 * fields; deleting an endpoint takes its secrets, deliveries and attempts with it (ON DELETE CASCADE).
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Endpoint } from '../domain/endpoint';
import type {
  EndpointChange,
  EndpointPage,
  EndpointStore,
  NewEndpoint,
  PinInUse,
  SealedSecret,
  StoredSecret,
} from '../domain/endpoint-store.port';
import {
  ENDPOINT_COLUMNS,
  guarded,
  notifyEndpointChange,
  toEndpoint,
  type EndpointRow,
} from './endpoint-rows';

interface SecretRow {
  serial: number;
  key_id: string;
  ciphertext: Buffer;
  expires_at: Date | null;
}

export class PostgresEndpointStore implements EndpointStore {
  constructor(private readonly db: Kysely<unknown>) {}

  create(endpoint: NewEndpoint, secret: SealedSecret): Promise<Endpoint> {
    return guarded(() =>
      this.db.transaction().execute(async (trx) => {
        const { rows } = await sql<EndpointRow>`
          INSERT INTO endpoints (id, url, description, types, tenant, versions, format, rate_limit, ordered, metadata)
          VALUES (${endpoint.id}, ${endpoint.url}, ${endpoint.description}, ${[...endpoint.types]}::text[],
                  ${endpoint.tenant}, ${JSON.stringify(endpoint.versions)}::jsonb, ${endpoint.format},
                  ${endpoint.rateLimit}, ${endpoint.ordered}, ${JSON.stringify(endpoint.metadata)}::jsonb)
          RETURNING ${ENDPOINT_COLUMNS}`.execute(trx);
        await sql`
          INSERT INTO endpoint_secrets (endpoint_id, serial, key_id, ciphertext)
          VALUES (${endpoint.id}, 1, ${secret.keyId}, ${secret.ciphertext})`.execute(trx);
        await notifyEndpointChange(trx, endpoint.id);
        return toEndpoint(rows[0]!);
      }),
    );
  }

  find(id: string): Promise<Endpoint | undefined> {
    return guarded(async () => {
      const { rows } = await sql<EndpointRow>`
        SELECT ${ENDPOINT_COLUMNS} FROM endpoints WHERE id = ${id}`.execute(this.db);
      return rows[0] === undefined ? undefined : toEndpoint(rows[0]);
    });
  }

  page(after: string | undefined, limit: number): Promise<EndpointPage> {
    return guarded(async () => {
      const { rows } =
        after === undefined
          ? await sql<EndpointRow>`
              SELECT ${ENDPOINT_COLUMNS} FROM endpoints ORDER BY id LIMIT ${limit + 1}`.execute(this.db)
          : await sql<EndpointRow>`
              SELECT ${ENDPOINT_COLUMNS} FROM endpoints WHERE id > ${after}
              ORDER BY id LIMIT ${limit + 1}`.execute(this.db);
      return { items: rows.slice(0, limit).map(toEndpoint), hasMore: rows.length > limit };
    });
  }

  update(
    id: string,
    decide: (current: Endpoint) => EndpointChange | undefined,
  ): Promise<Endpoint | undefined> {
    return guarded(() =>
      this.db.transaction().execute(async (trx) => {
        const { rows } = await sql<EndpointRow>`
          SELECT ${ENDPOINT_COLUMNS} FROM endpoints WHERE id = ${id} FOR UPDATE`.execute(trx);
        if (rows[0] === undefined) return undefined;
        const current = toEndpoint(rows[0]);
        const next = decide(current);
        if (next === undefined) return current;
        const updated = await this.write(trx, id, next);
        await notifyEndpointChange(trx, id);
        return updated;
      }),
    );
  }

  delete(id: string): Promise<boolean> {
    return guarded(() =>
      this.db.transaction().execute(async (trx) => {
        const { rows } = await sql`DELETE FROM endpoints WHERE id = ${id} RETURNING id`.execute(trx);
        if (rows.length === 0) return false;
        await notifyEndpointChange(trx, id);
        return true;
      }),
    );
  }

  rotateSecret(id: string, secret: SealedSecret, at: { now: Date; oldExpiresAt: Date }): Promise<boolean> {
    return guarded(() =>
      this.db.transaction().execute(async (trx) => {
        // The endpoint's lock serialises rotations, so serials are taken without a race.
        const { rows } = await sql`SELECT id FROM endpoints WHERE id = ${id} FOR UPDATE`.execute(trx);
        if (rows.length === 0) return false;
        await sql`
          DELETE FROM endpoint_secrets
          WHERE endpoint_id = ${id} AND expires_at IS NOT NULL AND expires_at <= ${at.now}`.execute(trx);
        // LEAST ignores NULL: the current secret gets the new expiry; older ones keep an earlier one.
        await sql`
          UPDATE endpoint_secrets SET expires_at = LEAST(expires_at, ${at.oldExpiresAt}::timestamptz)
          WHERE endpoint_id = ${id}`.execute(trx);
        await sql`
          INSERT INTO endpoint_secrets (endpoint_id, serial, key_id, ciphertext)
          SELECT ${id}, COALESCE(max(serial), 0) + 1, ${secret.keyId}, ${secret.ciphertext}
          FROM endpoint_secrets WHERE endpoint_id = ${id}`.execute(trx);
        await notifyEndpointChange(trx, id);
        return true;
      }),
    );
  }

  enabledEndpoints(): Promise<Endpoint[]> {
    return guarded(async () => {
      const { rows } = await sql<EndpointRow>`
        SELECT ${ENDPOINT_COLUMNS} FROM endpoints WHERE enabled ORDER BY id`.execute(this.db);
      return rows.map(toEndpoint);
    });
  }

  pinsInUse(): Promise<PinInUse[]> {
    return guarded(async () => {
      const { rows } = await sql<PinInUse>`
        SELECT pin.type, pin.version::int AS version, count(*)::int AS endpoints
        FROM endpoints e, jsonb_each_text(e.versions) AS pin(type, version)
        GROUP BY pin.type, pin.version::int
        ORDER BY pin.type, pin.version::int`.execute(this.db);
      return rows;
    });
  }

  liveSecrets(id: string, now: Date): Promise<StoredSecret[]> {
    return guarded(async () => {
      const { rows } = await sql<SecretRow>`
        SELECT serial, key_id, ciphertext, expires_at FROM endpoint_secrets
        WHERE endpoint_id = ${id} AND (expires_at IS NULL OR expires_at > ${now})
        ORDER BY expires_at IS NULL DESC, serial DESC`.execute(this.db);
      return rows.map((r) => ({
        serial: r.serial,
        keyId: r.key_id,
        ciphertext: r.ciphertext,
        expiresAt: r.expires_at,
      }));
    });
  }

  private async write(trx: Transaction<unknown>, id: string, next: EndpointChange): Promise<Endpoint> {
    const { rows } = await sql<EndpointRow>`
      UPDATE endpoints SET
        url = ${next.url}, description = ${next.description}, types = ${[...next.types]}::text[],
        tenant = ${next.tenant}, versions = ${JSON.stringify(next.versions)}::jsonb, format = ${next.format},
        rate_limit = ${next.rateLimit}, ordered = ${next.ordered},
        metadata = ${JSON.stringify(next.metadata)}::jsonb, enabled = ${next.enabled},
        disabled_reason = ${next.disabledReason},
        failing_since = CASE WHEN ${next.resetFailures}::boolean THEN NULL ELSE failing_since END,
        updated_at = now()
      WHERE id = ${id}
      RETURNING ${ENDPOINT_COLUMNS}`.execute(trx);
    return toEndpoint(rows[0]!);
  }
}
