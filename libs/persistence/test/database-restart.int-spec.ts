import { sql } from 'kysely';
import { startPrivatePostgres, type PrivatePostgres } from '@app/testing';
import { createDatabase } from '../src/database';

describe('createDatabase when PostgreSQL goes away', () => {
  let postgres: PrivatePostgres | undefined;

  afterAll(() => postgres?.remove());

  it('survives a shutdown while a transaction holds a connection between queries, and reconnects', async () => {
    postgres = await startPrivatePostgres();
    const pg = postgres;
    const db = createDatabase({ url: pg.url, schema: 'public', maxConnections: 2 });
    const crashes: unknown[] = [];
    const onUncaught = (error: unknown) => crashes.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      // The connection is checked out and idle when the server terminates it (57P01).
      const held = db.transaction().execute(async (trx) => {
        await sql`SELECT 1`.execute(trx);
        pg.stop('fast');
        await sql`SELECT 2`.execute(trx);
      });
      await expect(held).rejects.toThrow();
      pg.start();
      const { rows } = await sql<{ n: number }>`SELECT 3 AS n`.execute(db);
      expect({ rows, crashes }).toEqual({ rows: [{ n: 3 }], crashes: [] });
    } finally {
      process.off('uncaughtException', onUncaught);
      await db.destroy();
    }
  });
});
