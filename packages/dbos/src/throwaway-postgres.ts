// The PostgreSQL of TinyAgent's own tests, benchmarks, soak and doc check, in one place: find the
// server (DATABASE_URL, else tools/scripts/ensure-postgres.sh starts one), make a database of the
// caller's own on it, drop it after. Vitest's global setup of this package imports this file by its
// path, before the source condition applies: it imports nothing from the workspace, only Node and pg.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';

/** What to do when no PostgreSQL is found; every error of `findPostgres` ends with it. */
export const HOW_TO_PROVIDE_POSTGRES =
  'Set DATABASE_URL to a server whose user may create databases (postgres://user:password@127.0.0.1:5432/postgres), ' +
  'or unset it and run as root on Debian, where tools/scripts/ensure-postgres.sh starts one.';

// The same path from src/ and from dist/: both sit in packages/dbos. Used only inside this repository
// (its workspace file beside the script's folder): in an installed package the same path would name
// whatever another package put there.
const REPOSITORY = new URL('../../../', import.meta.url);
const SCRIPT = fileURLToPath(new URL('tools/scripts/ensure-postgres.sh', REPOSITORY));
const WORKSPACE_FILE = fileURLToPath(new URL('pnpm-workspace.yaml', REPOSITORY));
// Longer than the script's wait for its lock (600 s): a caller that waits on it gets the script's own answer.
const SCRIPT_TIMEOUT_MS = 660_000;
// Fails fast, with what to do, where DBOS would retry a dead server for minutes.
const CONNECT_TIMEOUT_MS = 5_000;
// Database names are identifiers made here from the caller's prefix: nothing to quote or escape.
const PREFIX = /^[a-z_][a-z0-9_]{0,30}$/;

/**
 * Finds the PostgreSQL server to make throwaway databases on and returns its URL: DATABASE_URL when
 * set, else the URL tools/scripts/ensure-postgres.sh prints (it starts a loopback server, installing
 * it as root on Debian). `purpose` names the caller in the errors ("the @tinyagent/dbos tests"). Throws, with how
 * to provide a server, when none is found or it refuses a connection.
 */
export async function findPostgres(purpose: string): Promise<string> {
  const fromEnvironment = process.env.DATABASE_URL;
  const serverUrl =
    fromEnvironment !== undefined && fromEnvironment !== '' ? fromEnvironment : await startWithScript(purpose);
  const source = serverUrl === fromEnvironment ? 'DATABASE_URL' : 'ensure-postgres.sh';
  let client: pg.Client;
  try {
    client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  } catch (error) {
    if (error instanceof TypeError || (error as { code?: unknown }).code === 'ERR_INVALID_URL') {
      // eslint-disable-next-line preserve-caught-error -- the parser's error holds the URL, password and all
      throw new Error(`No PostgreSQL for ${purpose}: ${source} is not a URL pg can read. ${HOW_TO_PROVIDE_POSTGRES}`);
    }
    // Anything else (a TLS file the URL names, missing) names a path, not a secret.
    throw new Error(
      `No PostgreSQL for ${purpose}: ${source} could not be used (${describe(error)}). ${HOW_TO_PROVIDE_POSTGRES}`,
      {
        cause: error,
      },
    );
  }
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    // pg's messages name the host and user, never the password.
    throw new Error(
      `No PostgreSQL for ${purpose}: the server of ${source} refused a connection (${describe(error)}). ${HOW_TO_PROVIDE_POSTGRES}`,
      { cause: error },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
  return serverUrl;
}

async function startWithScript(purpose: string): Promise<string> {
  if (!existsSync(SCRIPT) || statSync(WORKSPACE_FILE, { throwIfNoEntry: false })?.isFile() !== true) {
    throw new Error(
      `No PostgreSQL for ${purpose}: DATABASE_URL is not set, and ensure-postgres.sh is not here to start one. ${HOW_TO_PROVIDE_POSTGRES}`,
    );
  }
  try {
    const { stdout } = await promisify(execFile)('bash', [SCRIPT], { timeout: SCRIPT_TIMEOUT_MS });
    return stdout.trim();
  } catch (error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    const said = typeof stderr === 'string' && stderr.trim() !== '' ? stderr.trim() : describe(error);
    throw new Error(
      `No PostgreSQL for ${purpose}: DATABASE_URL is not set, and ensure-postgres.sh could not start one. ${HOW_TO_PROVIDE_POSTGRES} The script said: ${said}`,
      { cause: error },
    );
  }
}

/** A database of one caller's own on the server, and how to drop it. */
export interface ThrowawayDatabase {
  /** Its URL, with the server URL's user and password. */
  readonly url: string;
  /**
   * Drops it: after the connections still open to it have closed, or after 5 s with whatever is
   * still open (closed by force).
   */
  drop(): Promise<void>;
}

/**
 * Creates a fresh database on `serverUrl`, named `prefix` (lower-case letters, digits and `_`) plus
 * this process's id and a random suffix: no workflow of another run (or of a caller alongside) is there
 * to recover, and nobody else's database is dropped from under it.
 */
export async function createThrowawayDatabase(serverUrl: string, prefix: string): Promise<ThrowawayDatabase> {
  if (!PREFIX.test(prefix)) {
    throw new Error(`createThrowawayDatabase: prefix '${prefix}' must be 1–31 lower-case letters, digits or '_'.`);
  }
  const name = `${prefix}_${String(process.pid)}_${randomBytes(4).toString('hex')}`;
  await queryRows(serverUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await waitForConnectionsToClose(serverUrl, name);
      await queryRows(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

// A pool that is still ending its connections (DBOS's, after shutdown resolved) has taken its error
// listeners off them: a connection the drop terminates then throws an uncaught 57P01 into the process.
const CLOSE_WAIT_MS = 5_000;
const CLOSE_POLL_MS = 50;

async function waitForConnectionsToClose(serverUrl: string, name: string): Promise<void> {
  const until = Date.now() + CLOSE_WAIT_MS;
  while (Date.now() < until) {
    const [row] = await queryRows<{ open: number }>(
      serverUrl,
      'SELECT count(*)::int AS open FROM pg_stat_activity WHERE datname = $1',
      [name],
    );
    if (row === undefined || row.open === 0) return;
    await new Promise((resolve) => setTimeout(resolve, CLOSE_POLL_MS));
  }
}

/** Runs one statement on `databaseUrl`, on a connection of its own, and returns its rows. */
export async function queryRows<Row>(databaseUrl: string, text: string, values: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as Row[];
  } finally {
    await client.end();
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
