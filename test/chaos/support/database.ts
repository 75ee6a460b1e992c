/** A throw-away database for a chaos run, on the shared PostgreSQL or on a private one. */
import { Client } from 'pg';
import { databaseUrlFor, uniqueIdentifier } from '@app/testing';

export interface ChaosDatabase {
  readonly name: string;
  readonly url: string;
  /** Drops it, closing what an app left connected. */
  drop(): Promise<void>;
}

/** `serverUrl`: any database URL of the server to create it on; default the tests' PostgreSQL. */
export async function createChaosDatabase(
  prefix: string,
  serverUrl = databaseUrlFor('postgres'),
): Promise<ChaosDatabase> {
  const name = uniqueIdentifier(prefix);
  const onServer = (database: string): string => {
    const url = new URL(serverUrl);
    url.pathname = `/${database}`;
    return url.toString();
  };
  const admin = async (statement: string): Promise<void> => {
    const client = new Client({ connectionString: onServer('postgres') });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  return { name, url: onServer(name), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}
