import { ConfigurationError, registerSecret } from '@tinyagent/core';
import { describeThrown } from '@tinyagent/core/internal';

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
