import { createServer } from 'node:net';
import { inspect } from 'node:util';
import pg from 'pg';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createThrowawayDatabase, findPostgres, queryRows } from './throwaway-postgres.ts';

const saved = process.env.DATABASE_URL;
afterEach(() => {
  if (saved === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = saved;
});

// A loopback port nothing listens on: taken, then given back.
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('No port.');
  return address.port;
}

describe('findPostgres', () => {
  it('returns DATABASE_URL when its server answers', async () => {
    process.env.DATABASE_URL = inject('databaseUrl');
    expect(await findPostgres('this test')).toBe(inject('databaseUrl'));
  });

  it('says how to provide a server when the one of DATABASE_URL refuses, without its password', async () => {
    process.env.DATABASE_URL = `postgres://someone:hunter2-secret@127.0.0.1:${String(await closedPort())}/app`;
    const error = await findPostgres('this test').then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain('No PostgreSQL for this test: the server of DATABASE_URL refused a connection');
    expect(message).toContain('Set DATABASE_URL to a server whose user may create databases');
    expect(message).not.toContain('hunter2');
  });

  it('says DATABASE_URL cannot be read, repeating neither it nor its password, when pg cannot parse it', async () => {
    process.env.DATABASE_URL = 'postgres://someone:hunter2-secret@[bad/app';
    const error = await findPostgres('this test').then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('No PostgreSQL for this test: DATABASE_URL is not a URL pg can read.');
    expect(inspect(error, { depth: 5 })).not.toContain('hunter2');
  });
});

describe('createThrowawayDatabase', () => {
  it('creates a database of its own that drop removes', async () => {
    const serverUrl = inject('databaseUrl');
    const database = await createThrowawayDatabase(serverUrl, 'tinyagent_throwaway');
    const name = new URL(database.url).pathname.slice(1);
    expect(name).toMatch(/^tinyagent_throwaway_\d+_[0-9a-f]{8}$/);
    expect(await queryRows<{ name: string }>(database.url, 'SELECT current_database() AS name')).toEqual([{ name }]);
    await database.drop();
    const left = await queryRows(serverUrl, 'SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    expect(left).toEqual([]);
  });

  it('waits for a connection still open to close before it drops, instead of terminating it', async () => {
    const database = await createThrowawayDatabase(inject('databaseUrl'), 'tinyagent_throwaway');
    const client = new pg.Client({ connectionString: database.url });
    const errors: unknown[] = [];
    client.on('error', (error) => errors.push(error));
    await client.connect();
    const dropping = database.drop();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await client.end();
    await dropping;
    expect(errors).toEqual([]);
  });

  it('refuses a prefix that is not a plain lower-case identifier, creating nothing', async () => {
    await expect(createThrowawayDatabase(inject('databaseUrl'), 'Bad"; DROP')).rejects.toThrow(
      "prefix 'Bad\"; DROP' must be 1–31 lower-case letters, digits or '_'",
    );
  });
});
