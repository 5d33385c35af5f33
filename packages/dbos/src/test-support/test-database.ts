import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

/** A database of its own for one test file on the test server, and how to drop it. */
export interface TestDatabase {
  /** Its URL, with the test server's user and password. */
  readonly url: string;
  /** Drops it, with whatever connections are still open to it. */
  drop(): Promise<void>;
}

/**
 * Creates a fresh database for one test file, named `prefix` plus this process's id and a random
 * suffix: no workflow of another run (or of a file running alongside) is there to recover, and no
 * other run's database is dropped from under it.
 */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const serverUrl = inject('databaseUrl');
  const name = `${prefix}_${String(process.pid)}_${randomBytes(4).toString('hex')}`;
  await onServer(serverUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => onServer(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

async function onServer(serverUrl: string, statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}

/** Runs one query on `databaseUrl` and returns its rows. */
export async function queryRows<Row>(databaseUrl: string, text: string, values: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as Row[];
  } finally {
    await client.end();
  }
}
