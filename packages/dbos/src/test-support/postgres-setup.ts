// Vitest's global setup for the dbos tests: finds the PostgreSQL server they run against. DATABASE_URL
// when set; otherwise the project's own script starts one (installing PostgreSQL when absent, as root
// on Debian). No server, no tests: the run fails with what to do, it never skips them. Vitest loads this
// file without the source condition, so it imports no workspace package (that would need a build).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

const HOW_TO_PROVIDE =
  'Set DATABASE_URL to a server whose user may create databases (postgres://user:password@127.0.0.1:5432/postgres), ' +
  'or unset it and run the tests as root on Debian, where tools/scripts/ensure-postgres.sh starts one.';

const script = fileURLToPath(new URL('../../../../tools/scripts/ensure-postgres.sh', import.meta.url));

export default async function setup(project: TestProject): Promise<void> {
  const databaseUrl = await findDatabaseUrl();
  await checkConnection(databaseUrl);
  project.provide('databaseUrl', databaseUrl);
}

// Fails fast, with what to do, where DBOS would retry a dead server for minutes.
async function checkConnection(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(
      `The @tinyagent/dbos tests could not connect to the PostgreSQL of DATABASE_URL (${error instanceof Error ? error.message : String(error)}). ${HOW_TO_PROVIDE}`,
      { cause: error },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function findDatabaseUrl(): Promise<string> {
  const fromEnvironment = process.env.DATABASE_URL;
  if (fromEnvironment !== undefined && fromEnvironment !== '') return fromEnvironment;
  try {
    // Longer than the script's wait for its lock (600 s): a run that waits on it gets the script's own answer.
    const { stdout } = await promisify(execFile)('bash', [script], { timeout: 660_000 });
    return stdout.trim();
  } catch (error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    const said = typeof stderr === 'string' ? stderr.trim() : String(error);
    throw new Error(
      `The @tinyagent/dbos tests need PostgreSQL, and none could be started. ${HOW_TO_PROVIDE} The script said: ${said}`,
      {
        cause: error,
      },
    );
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}
