/**
 * The endpoints and their sealed secrets on PostgreSQL (the EndpointStore port). Every write is
 * one transaction that also sends the change notification (endpoint-rows.ts). An update locks the
 * row while the use case decides the new state, so two concurrent PATCHes never lose each other's
 * fields; deleting an endpoint takes its secrets, deliveries and attempts with it (ON DELETE CASCADE).
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { WebhooksDatabase } from './webhooks-tables';
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
import { ENDPOINT_FIELDS, guarded, notifyEndpointChange, toEndpoint } from './endpoint-rows';

export class PostgresEndpointStore implements EndpointStore {
  constructor(private readonly db: Kysely<WebhooksDatabase>) {}

  create(endpoint: NewEndpoint, secret: SealedSecret): Promise<Endpoint> {
    return guarded(() =>
      this.db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('endpoints')
          .values({
            id: endpoint.id,
            url: endpoint.url,
            description: endpoint.description,
            types: [...endpoint.types],
            tenant: endpoint.tenant,
            versions: JSON.stringify(endpoint.versions),
            format: endpoint.format,
            rate_limit: endpoint.rateLimit,
            ordered: endpoint.ordered,
            metadata: JSON.stringify(endpoint.metadata),
          })
          .returning(ENDPOINT_FIELDS)
          .executeTakeFirstOrThrow();
        await trx
          .insertInto('endpoint_secrets')
          .values({
            endpoint_id: endpoint.id,
            serial: 1,
            key_id: secret.keyId,
            ciphertext: secret.ciphertext,
          })
          .execute();
        await notifyEndpointChange(trx, endpoint.id);
        return toEndpoint(row);
      }),
    );
  }

  find(id: string): Promise<Endpoint | undefined> {
    return guarded(async () => {
      const row = await this.db
        .selectFrom('endpoints')
        .select(ENDPOINT_FIELDS)
        .where('id', '=', id)
        .executeTakeFirst();
      return row === undefined ? undefined : toEndpoint(row);
    });
  }

  page(after: string | undefined, limit: number): Promise<EndpointPage> {
    return guarded(async () => {
      const rows = await this.db
        .selectFrom('endpoints')
        .select(ENDPOINT_FIELDS)
        .$if(after !== undefined, (query) => query.where('id', '>', after as string))
        .orderBy('id')
        .limit(limit + 1)
        .execute();
      return { items: rows.slice(0, limit).map(toEndpoint), hasMore: rows.length > limit };
    });
  }

  update(
    id: string,
    decide: (current: Endpoint) => EndpointChange | undefined,
  ): Promise<Endpoint | undefined> {
    return guarded(() =>
      this.db.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom('endpoints')
          .select(ENDPOINT_FIELDS)
          .where('id', '=', id)
          .forUpdate()
          .executeTakeFirst();
        if (row === undefined) return undefined;
        const current = toEndpoint(row);
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
        const deleted = await trx.deleteFrom('endpoints').where('id', '=', id).returning('id').execute();
        if (deleted.length === 0) return false;
        await notifyEndpointChange(trx, id);
        return true;
      }),
    );
  }

  rotateSecret(id: string, secret: SealedSecret, at: { now: Date; oldExpiresAt: Date }): Promise<boolean> {
    return guarded(() =>
      this.db.transaction().execute(async (trx) => {
        // The endpoint's lock serialises rotations, so serials are taken without a race.
        const locked = await trx
          .selectFrom('endpoints')
          .select('id')
          .where('id', '=', id)
          .forUpdate()
          .executeTakeFirst();
        if (locked === undefined) return false;
        await trx
          .deleteFrom('endpoint_secrets')
          .where('endpoint_id', '=', id)
          .where('expires_at', 'is not', null)
          .where('expires_at', '<=', at.now)
          .execute();
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
      const rows = await this.db
        .selectFrom('endpoints')
        .select(ENDPOINT_FIELDS)
        .where('enabled', '=', true)
        .orderBy('id')
        .execute();
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
      const rows = await this.db
        .selectFrom('endpoint_secrets')
        .select(['serial', 'key_id', 'ciphertext', 'expires_at'])
        .where('endpoint_id', '=', id)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .orderBy(sql`expires_at IS NULL`, 'desc')
        .orderBy('serial', 'desc')
        .execute();
      return rows.map((r) => ({
        serial: r.serial,
        keyId: r.key_id,
        ciphertext: r.ciphertext,
        expiresAt: r.expires_at,
      }));
    });
  }

  private async write(
    trx: Transaction<WebhooksDatabase>,
    id: string,
    next: EndpointChange,
  ): Promise<Endpoint> {
    const row = await trx
      .updateTable('endpoints')
      .set({
        url: next.url,
        description: next.description,
        types: [...next.types],
        tenant: next.tenant,
        versions: JSON.stringify(next.versions),
        format: next.format,
        rate_limit: next.rateLimit,
        ordered: next.ordered,
        metadata: JSON.stringify(next.metadata),
        enabled: next.enabled,
        disabled_reason: next.disabledReason,
        ...(next.resetFailures ? { failing_since: null } : {}),
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', id)
      .returning(ENDPOINT_FIELDS)
      .executeTakeFirstOrThrow();
    return toEndpoint(row);
  }
}
