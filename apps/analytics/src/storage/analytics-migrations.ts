/**
 * The analytics schema. Every aggregate is stored per minute of event time; hours are summed
 * (and latency sketches merged) when read, so an hour is exactly its minutes.
 * - `event_counts`: the built-in count per event type, minute and lateness;
 * - `metric_generations`: each declared metric's computed versions — `live` (served), `building`
 *   (a rebuild filling it), with the definition it was computed with, so the consumer keeps
 *   computing a live generation by its own definition until a rebuild replaces it;
 * - `metric_points`: the aggregates of each generation per minute, lateness and group;
 * - `rebuild_positions`: a rebuild's own offsets and the offset where it hands over to the live consumer;
 * - `latency_sketches`: a serialized DDSketch of end-to-end latencies per type and processing minute;
 * - `counted_events`: the ids counted recently (scope 0: the live consumer; scope N: rebuild of
 *   generation N), so an event that comes back (a replayed dead letter) is not counted twice.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { CONSUMER_POSITION_STATEMENTS } from '@app/persistence';

const STATEMENTS = [
  ...CONSUMER_POSITION_STATEMENTS,
  `CREATE TABLE event_counts (
     type   text        NOT NULL,
     late   boolean     NOT NULL,
     bucket timestamptz NOT NULL,
     count  bigint      NOT NULL,
     PRIMARY KEY (type, late, bucket)
   )`,
  `CREATE TABLE metric_generations (
     id               integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     metric           text        NOT NULL,
     definition       jsonb       NOT NULL,
     state            text        NOT NULL CHECK (state IN ('building', 'live')),
     created_at       timestamptz NOT NULL DEFAULT now(),
     switched_at      timestamptz,
     rebuild_owner    text,
     rebuild_lease_until timestamptz
   )`,
  `CREATE UNIQUE INDEX metric_generations_one_live ON metric_generations (metric) WHERE state = 'live'`,
  `CREATE UNIQUE INDEX metric_generations_one_building ON metric_generations (metric) WHERE state = 'building'`,
  `CREATE TABLE metric_points (
     generation   integer     NOT NULL,
     late         boolean     NOT NULL,
     bucket       timestamptz NOT NULL,
     group_key    text        NOT NULL,
     group_values jsonb       NOT NULL,
     events       bigint      NOT NULL,
     value_count  bigint      NOT NULL,
     sum          numeric     NOT NULL,
     min          numeric,
     max          numeric,
     PRIMARY KEY (generation, late, bucket, group_key)
   )`,
  `CREATE TABLE rebuild_positions (
     generation      integer NOT NULL,
     topic           text    NOT NULL,
     kafka_partition integer NOT NULL,
     next_offset     bigint  NOT NULL,
     handoff_offset  bigint  NOT NULL,
     PRIMARY KEY (generation, topic, kafka_partition)
   )`,
  `CREATE TABLE latency_sketches (
     type   text        NOT NULL,
     bucket timestamptz NOT NULL,
     sketch bytea       NOT NULL,
     PRIMARY KEY (type, bucket)
   )`,
  `CREATE TABLE counted_events (
     scope      integer     NOT NULL,
     type       text        NOT NULL,
     event_id   text        NOT NULL,
     counted_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (scope, type, event_id)
   )`,
  'CREATE INDEX counted_events_age_idx ON counted_events (counted_at)',
];

export const ANALYTICS_MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_analytics': {
    up: async (db: Kysely<unknown>) => {
      for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
    },
  },
};
