import pg from 'pg';
import { inject } from 'vitest';

/**
 * A fresh database named `name` on the test server, for one test file: dropped and made again, so no
 * workflow of an earlier run (or of another file) is there to recover. Resolves with its URL.
 */
export async function createTestDatabase(name: string): Promise<string> {
  const serverUrl = inject('databaseUrl');
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
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
