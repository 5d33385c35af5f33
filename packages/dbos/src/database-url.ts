import pg from 'pg';
import { ConfigurationError, redactSecrets, registerSecret } from '@tinyagent/core';
import { describeThrown } from '@tinyagent/core/internal';

// Long enough for a distant server at a busy moment; a refused port answers at once.
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Checks a PostgreSQL URL and registers its password as a secret, so that no log line, error or event
 * of TinyAgent shows it. Returns the URL unchanged.
 */
export function readDatabaseUrl(value: unknown, owner: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigurationError(
      `${owner}: databaseUrl must be a PostgreSQL connection URL such as postgres://user:password@127.0.0.1:5432/app (DBOS keeps its tables there).`,
    );
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch (error) {
    throw new ConfigurationError(
      `${owner}: databaseUrl is not a URL; use postgres://user:password@host:port/database.`,
      {
        cause: new Error(describeThrown(error).replace(value, '[databaseUrl]')),
      },
    );
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigurationError(
      `${owner}: databaseUrl must start with postgres:// or postgresql://; got ${url.protocol}//.`,
    );
  }
  // The password as the URL spells it and decoded: DBOS or pg may echo either.
  registerSecret(url.password);
  let password: string;
  try {
    password = decodeURIComponent(url.password);
  } catch {
    throw new ConfigurationError(
      `${owner}: the password in databaseUrl has a '%' that starts no escape; write it as %25 ` +
        '(percent-encode the password, e.g. with encodeURIComponent).',
    );
  }
  registerSecret(password);
  return value;
}

/**
 * Connects once to `databaseUrl` (read by `readDatabaseUrl`) and throws a ConfigurationError saying
 * what failed when no server answers or it refuses the login. DBOS's client retries a refused
 * connection without end and without a word, so a wrong host or port would hang every call.
 */
export async function checkDatabaseReachable(databaseUrl: string, owner: string): Promise<void> {
  let client: pg.Client | undefined;
  try {
    client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    await client.connect();
  } catch (error) {
    // pg's messages name the host and user; redacted all the same, and the original (which may hold
    // the parsed configuration) is not kept as the cause.
    const reason = redactSecrets(describeThrown(error));
    throw new ConfigurationError(
      `${owner}: could not connect to PostgreSQL at ${databaseLocation(databaseUrl)} (${reason}). Start the server, ` +
        'or fix databaseUrl (host, port, database, user and password).',
      { cause: new Error(reason) },
    );
  } finally {
    await client?.end().catch(() => undefined);
  }
}

/** Where a database is, for a message: host, port and database name, never its user or password. */
export function databaseLocation(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  return `${url.host}${url.pathname}`;
}
