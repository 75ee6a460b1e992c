/**
 * Adds a batch's end-to-end latencies to the stored sketch of each (type, processing minute):
 * the rows are read under a per-type lock, merged with the batch's sketch and written back.
 */
import { sql, type QueryExecutorProvider } from 'kysely';
import { minuteOf, type ObservedEvent } from '../domain/observed-event';
import { newSketch, sketchBytes, sketchFrom } from '../domain/latency-sketch';

export async function addLatencies(
  tx: QueryExecutorProvider,
  events: readonly ObservedEvent[],
  processedAt: number,
): Promise<void> {
  if (events.length === 0) return;
  const bucket = new Date(minuteOf(processedAt)).toISOString();
  const byType = new Map<string, ReturnType<typeof newSketch>>();
  for (const event of events) {
    let sketch = byType.get(event.type);
    if (sketch === undefined) byType.set(event.type, (sketch = newSketch()));
    // A producer clock ahead of ours gives a negative latency; it counts as none.
    sketch.accept(Math.max(0, processedAt - event.eventTime));
  }
  for (const [type, sketch] of [...byType].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    await sql`SELECT pg_advisory_xact_lock(hashtext(current_schema() || '/latency/' || ${type}))`.execute(tx);
    const { rows } = await sql<{ sketch: Buffer }>`
      SELECT sketch FROM latency_sketches WHERE type = ${type} AND bucket = ${bucket}::timestamptz`.execute(
      tx,
    );
    if (rows[0] !== undefined) sketch.merge(sketchFrom(rows[0].sketch));
    await sql`
      INSERT INTO latency_sketches (type, bucket, sketch) VALUES (${type}, ${bucket}::timestamptz, ${sketchBytes(sketch)})
      ON CONFLICT (type, bucket) DO UPDATE SET sketch = excluded.sketch`.execute(tx);
  }
}
