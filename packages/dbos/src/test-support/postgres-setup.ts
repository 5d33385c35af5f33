// Vitest's global setup for the dbos tests: finds the PostgreSQL server they run against. DATABASE_URL
// when set; otherwise the project's own script starts one (installing PostgreSQL when absent, as root
// on Debian). No server, no tests: the run fails with what to do, it never skips them.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';

const script = fileURLToPath(new URL('../../../../tools/scripts/ensure-postgres.sh', import.meta.url));

export default async function setup(project: TestProject): Promise<void> {
  project.provide('databaseUrl', await findDatabaseUrl());
}

async function findDatabaseUrl(): Promise<string> {
  const fromEnvironment = process.env.DATABASE_URL;
  if (fromEnvironment !== undefined && fromEnvironment !== '') return fromEnvironment;
  try {
    const { stdout } = await promisify(execFile)('bash', [script], { timeout: 600_000 });
    return stdout.trim();
  } catch (error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    throw new Error(
      'The @tinyagent/dbos tests need PostgreSQL, and none could be started. Set DATABASE_URL to a server ' +
        'whose user may create databases (postgres://user:password@127.0.0.1:5432/postgres), or run ' +
        `tools/scripts/ensure-postgres.sh as root on Debian. The script said: ${typeof stderr === 'string' ? stderr.trim() : String(error)}`,
      { cause: error },
    );
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}
