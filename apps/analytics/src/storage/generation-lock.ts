/**
 * The lock that makes a rebuild's handover exact. Every live batch transaction holds it shared;
 * creating a generation (which reads the live positions as the handoff offsets) and switching one
 * live hold it exclusively. So a live batch either committed before the handoff was read (the
 * rebuild covers its records) or sees the new generation and applies its records to it too.
 */
import { sql, type QueryExecutorProvider } from 'kysely';

export async function shareGenerations(tx: QueryExecutorProvider): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock_shared(hashtext(current_schema() || '/generations'))`.execute(tx);
}

export async function lockGenerations(tx: QueryExecutorProvider): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(current_schema() || '/generations'))`.execute(tx);
}
