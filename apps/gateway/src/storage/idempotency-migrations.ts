/**
 * Migrations of the idempotency window's tables (after `0002_published_events`), listed in
 * gateway-migrations.ts under their numbers.
 */
import { sql, type Kysely, type Migration } from 'kysely';

/**
 * `0004_published_answers`: the answers of client-id claims as rows of their own, so a
 * completion is an INSERT instead of an UPDATE of the claim (a new row version and index
 * entries: about twice the cost). A row answers the claim whose token it carries; the claim's
 * row stays in `published_events`. Pruned with the claims (postgres-idempotency.store.ts).
 */
export const publishedAnswersMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      CREATE TABLE published_answers (
        event_id text PRIMARY KEY,
        claim_token text NOT NULL,
        type text NOT NULL,
        version integer NOT NULL,
        topic text NOT NULL,
        partition integer NOT NULL,
        "offset" text NOT NULL,
        completed_at timestamptz NOT NULL DEFAULT now()
      )`.execute(db);
  },
};
