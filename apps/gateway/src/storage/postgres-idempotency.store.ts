/**
 * The idempotency window in PostgreSQL, shared by every gateway instance and surviving
 * restarts. Protocol per event id:
 *   claim    — INSERT a row without result into `published_events` (one statement for a whole
 *              group of requests); a row older than the window is taken over as if absent; a
 *              row without answer whose claim is older than `staleClaimMs` (its gateway died
 *              mid-send) is taken over too;
 *   complete — store the answer once Kafka acknowledged (a later duplicate gets it back): by
 *              default an INSERT into `published_answers` keyed by id and claim token
 *              (`answers: 'table'`), else an UPDATE of the claim's row (`'row'`, what gateways
 *              before 2026-12-06 do and read; see docs/gateway.md for the rolling upgrade);
 *   release  — delete the claim after a failed send, so the client's retry can publish;
 *   record   — INSERT a completed row for an id the gateway generated (never claimed: nobody
 *              could know it before the answer), once Kafka acknowledged.
 * Each claim carries a random token so that only its owner's answer counts and only its owner
 * releases it: an answer row names the claim it answers, and reads join on both.
 * Claims and completions of concurrent requests share statements (GroupCommit): each is a
 * commit that waits for PostgreSQL's WAL flush, so one per request would cap throughput.
 *
 * Every write goes in as a plain INSERT first: PostgreSQL's `ON CONFLICT` path costs more per
 * row, and the UPDATE of a completion more than an INSERT of the answer (non-HOT: a new row
 * version and new entries in both indexes). Only a statement that meets a unique violation (a
 * retry of a known id, a re-post of a generated one) goes again the careful way. The measured
 * costs are in docs/benchmarks.md (Gateway publish, "Client ids").
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { AcceptedEvent, ClaimOutcome, IdempotencyClaim, IdempotencyStore } from '../domain/ports';
import { GroupCommit, integerArrayLiteral, isUniqueViolation, textArrayLiteral } from '@app/persistence';

interface ExistingRow {
  event_id: string;
  fingerprint: string;
  claim_token: string | null;
  result: AcceptedEvent | null;
  stale: boolean;
}

export interface IdempotencySettings {
  /** How long an id stays deduplicated. */
  readonly windowMs: number;
  /** A claim without result older than this belongs to a gateway that died mid-send. */
  readonly staleClaimMs: number;
  /**
   * Claim and complete statements in flight at once, each; together below the connection
   * pool's size, so key lookups and pruning still find a connection.
   */
  readonly maxConcurrentStatements?: number;
  /**
   * How long answers (completions and generated-id records) wait for company before their
   * statement goes out: 0 in strict mode, where the client waits for them; a few milliseconds
   * otherwise, so a lightly loaded gateway writes one statement per interval, not one per event.
   */
  readonly answerLingerMs?: number;
  /**
   * Where completions go: `table` (default) inserts into `published_answers`; `row` updates the
   * claim's row in `published_events`, which is all that gateways before 2026-12-06 read, for
   * the duration of a rolling upgrade from them. Both modes read both.
   */
  readonly answers?: 'table' | 'row';
}

interface Completion {
  readonly token: string;
  readonly result: AcceptedEvent;
}

/** `published_answers` and the answer of `published_events` as one `result`, aliased `p` and `a`. */
const ANSWER = sql`COALESCE(p.result, CASE WHEN a.event_id IS NOT NULL THEN jsonb_build_object(
  'id', a.event_id, 'type', a.type, 'version', a.version, 'topic', a.topic,
  'partition', a.partition, 'offset', a."offset") END)`;

interface Recorded {
  readonly fingerprint: string;
  readonly result: AcceptedEvent;
}

/** Rows per shared statement; a batch request (up to 10,000 events) may still go alone. */
const MAX_ROWS_PER_STATEMENT = 5_000;

export class PostgresIdempotencyStore implements IdempotencyStore {
  private readonly claims: GroupCommit<IdempotencyClaim, ClaimOutcome>;
  private readonly completions: GroupCommit<Completion, void>;
  private readonly records: GroupCommit<Recorded, Error | undefined>;
  /** Ids whose answer (record or completion) is being written, until it settles (see `claim`). */
  private readonly storing = new Map<string, Promise<void>>();

  constructor(
    private readonly db: Kysely<unknown>,
    private readonly settings: IdempotencySettings,
  ) {
    // One statement of each kind at a time: measured on the single-event bench, 1 gave
    // 3.5-4.1k req/s and p99 38-45 ms against 2.8-3.0k and 61-64 ms with 2 (bigger groups, and
    // each statement costs ~0.25 ms of socket CPU here).
    const maxConcurrent = settings.maxConcurrentStatements ?? 1;
    this.claims = new GroupCommit((claims) => this.claimTogether(claims), {
      maxConcurrent,
      maxItems: MAX_ROWS_PER_STATEMENT,
      key: (claim) => claim.id,
    });
    const lingerMs = settings.answerLingerMs ?? 0;
    this.completions = new GroupCommit((results) => this.completeTogether(results), {
      maxConcurrent,
      maxItems: MAX_ROWS_PER_STATEMENT,
      lingerMs,
      // Two answers for one id (a late one from an owner the claim was taken over from, and the
      // new owner's) never share a statement: its ON CONFLICT fallback could not touch the row twice.
      key: (completion) => completion.result.id,
    });
    this.records = new GroupCommit((events) => this.recordTogether(events), {
      maxConcurrent,
      maxItems: MAX_ROWS_PER_STATEMENT,
      lingerMs,
    });
  }

  /**
   * An id can come back once its answer was given, which may be before the answer was stored
   * (the publisher stores it just after answering): such a claim waits for that write, then
   * finds the row like any other. (On another instance it finds the claim in flight: 503.)
   * A write already sent needs no wait (PostgreSQL's row locks order the two statements); one
   * still queued behind another statement of its kind does.
   */
  claim(claims: readonly IdempotencyClaim[]): Promise<ClaimOutcome[]> {
    const writes = claims.flatMap((c) => this.storing.get(c.id) ?? []);
    if (writes.length === 0) return this.claims.submit(claims);
    return Promise.all(writes).then(() => this.claims.submit(claims));
  }

  async complete(results: readonly Completion[]): Promise<void> {
    await this.tracked(
      results.map((r) => r.result.id),
      this.completions.submit(results),
    );
  }

  /**
   * One INSERT for the claims of every request in the group; ids are unique within it. Ids are
   * nearly always new, so the rows first go in plainly; a unique violation (some id is known)
   * rolls that back and the group goes again by `ON CONFLICT`, which takes over expired rows
   * (dropping their old answer) and names the ids it claimed.
   */
  private async claimTogether(claims: readonly IdempotencyClaim[], retry = true): Promise<ClaimOutcome[]> {
    const tokens = claims.map(() => randomUUID());
    const rows = sql`SELECT * FROM unnest(
        ${textArrayLiteral(claims.map((c) => c.id))}::text[],
        ${textArrayLiteral(claims.map((c) => c.fingerprint))}::text[],
        ${textArrayLiteral(tokens)}::text[])`;
    try {
      await sql`INSERT INTO published_events (event_id, fingerprint, claim_token) ${rows}`.execute(this.db);
      return tokens.map((token) => ({ kind: 'claimed', token }));
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    const inserted = await sql<{ event_id: string }>`
      WITH claimed AS (
        INSERT INTO published_events (event_id, fingerprint, claim_token) ${rows}
        ON CONFLICT (event_id) DO UPDATE
          SET fingerprint = EXCLUDED.fingerprint, claim_token = EXCLUDED.claim_token,
              claimed_at = now(), result = NULL, completed_at = NULL
          WHERE published_events.claimed_at < now() - make_interval(secs => ${this.settings.windowMs / 1000})
        RETURNING event_id),
      expired AS (DELETE FROM published_answers a USING claimed c WHERE a.event_id = c.event_id)
      SELECT event_id FROM claimed`.execute(this.db);
    const claimed = new Set(inserted.rows.map((row) => row.event_id));
    const others = claims.filter((c) => !claimed.has(c.id)).map((c) => c.id);
    const existing = others.length > 0 ? await this.existing(others) : new Map<string, ExistingRow>();
    const outcomes: ClaimOutcome[] = [];
    for (const [i, claim] of claims.entries()) {
      if (claimed.has(claim.id)) outcomes.push({ kind: 'claimed', token: tokens[i]! });
      else outcomes.push(await this.outcomeFor(claim, existing.get(claim.id), retry));
    }
    return outcomes;
  }

  private async completeTogether(completions: readonly Completion[]): Promise<void[]> {
    if (this.settings.answers === 'row') await this.completeRows(completions);
    else await this.insertAnswers(completions);
    return completions.map(() => undefined);
  }

  /**
   * The answers as rows of their own, one plain INSERT. A row already there for an id answers
   * an earlier claim of it (taken over as stale, or an expired row an older gateway took over):
   * the statement then goes again and replaces only such rows, and only with the answer of the
   * claim that holds the id now; a late answer of a claim taken over is dropped, as by `row`.
   */
  private async insertAnswers(completions: readonly Completion[]): Promise<void> {
    const results = completions.map((c) => c.result);
    const rows = sql`SELECT r.id, r.token, r.type, r.version, r.topic, r.partition, r."offset"
      FROM unnest(${textArrayLiteral(completions.map((c) => c.token))}::text[], ${resultColumns(results)})
        AS r(token, id, type, version, topic, partition, "offset")`;
    const columns = sql`(event_id, claim_token, type, version, topic, partition, "offset")`;
    try {
      await sql`INSERT INTO published_answers ${columns} ${rows}`.execute(this.db);
      return;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    await sql`
      INSERT INTO published_answers AS a ${columns} ${rows}
      ON CONFLICT (event_id) DO UPDATE
        SET claim_token = EXCLUDED.claim_token, type = EXCLUDED.type, version = EXCLUDED.version,
            topic = EXCLUDED.topic, partition = EXCLUDED.partition, "offset" = EXCLUDED."offset",
            completed_at = now()
        WHERE a.claim_token <> EXCLUDED.claim_token AND EXISTS (
          SELECT 1 FROM published_events p
          WHERE p.event_id = EXCLUDED.event_id AND p.claim_token = EXCLUDED.claim_token)`.execute(this.db);
  }

  /**
   * The answers into the claims' rows (`answers: 'row'`). Matches rows by primary key and
   * token: `claim_token` has no index, and a join on it alone scanned the whole window on every
   * statement (throughput fell round after round as the table grew).
   */
  private async completeRows(completions: readonly Completion[]): Promise<void> {
    const results = completions.map((c) => c.result);
    await sql`
      UPDATE published_events AS p SET result = ${RESULT_OBJECT}, completed_at = now()
      FROM unnest(${textArrayLiteral(completions.map((c) => c.token))}::text[], ${resultColumns(results)})
        AS r(token, id, type, version, topic, partition, "offset")
      WHERE p.event_id = r.id AND p.claim_token = r.token`.execute(this.db);
  }

  async record(events: readonly Recorded[]): Promise<void> {
    const written = this.records.submit(events).then((outcomes) => {
      const refused = outcomes.filter((o) => o !== undefined);
      if (refused.length > 0) {
        throw new Error(`${refused.length} of ${events.length} answers not stored: ${refused[0]!.message}`);
      }
    });
    await this.tracked(
      events.map((e) => e.result.id),
      written,
    );
  }

  /**
   * Marks `ids` as being stored until `write` settles. Two writes for one id can overlap (a
   * late completion and a stale claim's takeover): the entry then waits for both.
   */
  private async tracked(ids: readonly string[], write: Promise<unknown>): Promise<void> {
    const settled = write.then(
      () => undefined,
      () => undefined,
    );
    const untrack = (id: string, entry: Promise<void>) => {
      if (this.storing.get(id) === entry) this.storing.delete(id);
    };
    for (const id of ids) {
      const previous = this.storing.get(id);
      if (previous === undefined) {
        this.storing.set(id, settled);
      } else {
        const both = Promise.all([previous, settled]).then(() => undefined);
        this.storing.set(id, both);
        void both.then(() => untrack(id, both));
      }
    }
    void settled.then(() => ids.forEach((id) => untrack(id, settled)));
    await write;
  }

  /** Waits until no answer is being stored, including writes that start meanwhile (shutdown). */
  async settle(): Promise<void> {
    while (this.storing.size > 0) await Promise.all(new Set(this.storing.values()));
  }

  /**
   * A generated id is a fresh UUIDv7: a row already there means the id was re-posted to another
   * instance before this record landed (and published there again), or a collision. The row
   * is left alone rather than given this event's answer, and the caller is told. As that is
   * rare, the rows first go in by a plain INSERT (PostgreSQL's `ON CONFLICT` path costs a third
   * more per row); a unique violation rolls that statement back and the group goes again with
   * `ON CONFLICT DO NOTHING`, which names the ids that were there.
   */
  private async recordTogether(events: readonly Recorded[]): Promise<Array<Error | undefined>> {
    const rows = sql`
      SELECT r.id, r.fingerprint, ${RESULT_OBJECT}, now()
      FROM unnest(${textArrayLiteral(events.map((e) => e.fingerprint))}::text[], ${resultColumns(events.map((e) => e.result))})
        AS r(fingerprint, id, type, version, topic, partition, "offset")`;
    try {
      await sql`INSERT INTO published_events (event_id, fingerprint, result, completed_at) ${rows}`.execute(
        this.db,
      );
      return events.map(() => undefined);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    const inserted = await sql<{ event_id: string }>`
      INSERT INTO published_events (event_id, fingerprint, result, completed_at) ${rows}
      ON CONFLICT (event_id) DO NOTHING
      RETURNING event_id`.execute(this.db);
    const stored = new Set(inserted.rows.map((row) => row.event_id));
    return events.map((e) =>
      stored.has(e.result.id)
        ? undefined
        : new Error(`event id "${e.result.id}" already had a row in the dedupe window`),
    );
  }

  /**
   * An answered claim is never released (a send is answered or fails, never both). A released
   * id's answer rows can only be late answers of an owner it was taken over from (stale): they
   * go with it, so no answer outlives its claim.
   */
  async release(claims: ReadonlyArray<{ id: string; token: string }>): Promise<void> {
    if (claims.length === 0) return;
    await sql`
      WITH released AS (
        DELETE FROM published_events p
        WHERE p.event_id = ANY(${claims.map((c) => c.id)}::text[])
          AND p.claim_token = ANY(${claims.map((c) => c.token)}::text[]) AND p.result IS NULL
          AND NOT EXISTS (
            SELECT 1 FROM published_answers a WHERE a.event_id = p.event_id AND a.claim_token = p.claim_token)
        RETURNING p.event_id)
      DELETE FROM published_answers a USING released r WHERE a.event_id = r.event_id`.execute(this.db);
  }

  /** Deletes rows past the window with their answers, a bounded slice at a time; returns how many went. */
  async prune(limit = 10_000): Promise<number> {
    const result = await sql<{ pruned: string }>`
      WITH gone AS (
        DELETE FROM published_events WHERE ctid IN (
          SELECT ctid FROM published_events
          WHERE claimed_at < now() - make_interval(secs => ${this.settings.windowMs / 1000})
          LIMIT ${limit})
        RETURNING event_id),
      answers AS (DELETE FROM published_answers a USING gone g WHERE a.event_id = g.event_id)
      SELECT count(*) AS pruned FROM gone`.execute(this.db);
    return Number(result.rows[0]?.pruned ?? 0);
  }

  private async existing(ids: readonly string[]): Promise<Map<string, ExistingRow>> {
    const rows = await sql<ExistingRow>`
      SELECT p.event_id, p.fingerprint, p.claim_token, ${ANSWER} AS result,
             p.claimed_at < now() - make_interval(secs => ${this.settings.staleClaimMs / 1000}) AS stale
      FROM published_events p
      LEFT JOIN published_answers a ON a.event_id = p.event_id AND a.claim_token = p.claim_token
      WHERE p.event_id = ANY(${ids}::text[])`.execute(this.db);
    return new Map(rows.rows.map((row) => [row.event_id, row]));
  }

  private async outcomeFor(
    claim: IdempotencyClaim,
    row: ExistingRow | undefined,
    retry: boolean,
  ): Promise<ClaimOutcome> {
    // The row vanished between the insert and the read (released or pruned): try once more,
    // directly (queueing behind the group this call belongs to could wait for itself). Once
    // only: a second miss is answered as in flight (503, the client retries), never a loop.
    if (!row) return retry ? (await this.claimTogether([claim], false))[0]! : { kind: 'in-flight' };
    if (row.fingerprint !== claim.fingerprint && !(await claim.sameEvent?.(row.fingerprint))) {
      return { kind: 'conflict' };
    }
    if (row.result) return { kind: 'duplicate', result: row.result };
    if (!row.stale) return { kind: 'in-flight' };
    const token = randomUUID();
    const taken = await sql`
      UPDATE published_events p SET claim_token = ${token}, claimed_at = now()
      WHERE p.event_id = ${claim.id} AND p.claim_token IS NOT DISTINCT FROM ${row.claim_token} AND p.result IS NULL
        AND NOT EXISTS (
          SELECT 1 FROM published_answers a WHERE a.event_id = p.event_id AND a.claim_token = p.claim_token)`.execute(
      this.db,
    );
    return Number(taken.numAffectedRows ?? 0) > 0 ? { kind: 'claimed', token } : { kind: 'in-flight' };
  }
}

/**
 * An answer as stored in `result`: the `AcceptedEvent` as JSON (the `offset` a string), built
 * by PostgreSQL from the columns of `resultColumns`, aliased `r`: parsing one JSON document per
 * row cost PostgreSQL ~40% more than building it from unnested arrays.
 */
const RESULT_OBJECT = sql`jsonb_build_object('id', r.id, 'type', r.type, 'version', r.version,
  'topic', r.topic, 'partition', r.partition, 'offset', r."offset")`;

/** The unnest arguments of `RESULT_OBJECT`'s columns: id, type, version, topic, partition, offset. */
function resultColumns(results: readonly AcceptedEvent[]) {
  return sql`${textArrayLiteral(results.map((r) => r.id))}::text[],
    ${textArrayLiteral(results.map((r) => r.type))}::text[],
    ${integerArrayLiteral(results.map((r) => r.version))}::int[],
    ${textArrayLiteral(results.map((r) => r.topic))}::text[],
    ${integerArrayLiteral(results.map((r) => r.partition))}::int[],
    ${textArrayLiteral(results.map((r) => r.offset))}::text[]`;
}
