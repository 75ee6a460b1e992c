/** Helpers for tests that start real processes: free ports and throw-away databases. */
import { createServer, type AddressInfo } from 'node:net';
import { Client } from 'pg';
import { testDatabaseUrl } from './infrastructure';

/** A TCP port that was free a moment ago (the OS picks it; we release it for the caller). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** DATABASE_URL pointing at another database on the same server. */
export function databaseUrlFor(name: string): string {
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops a test database, closing any connection an app under test left behind. */
export async function dropTestDatabase(name: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrlFor('postgres') });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
