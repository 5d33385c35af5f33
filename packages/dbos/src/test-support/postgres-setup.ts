// Vitest's global setup for the dbos tests: finds the PostgreSQL server they run against (DATABASE_URL,
// else the project's own script starts one). No server, no tests: the run fails with what to do, it
// never skips them. Vitest loads this file without the source condition, so it imports no workspace
// package (that would need a build), only the helper by its path, which imports none either.
import type { TestProject } from 'vitest/node';
import { findPostgres } from '../throwaway-postgres.ts';

export default async function setup(project: TestProject): Promise<void> {
  project.provide('databaseUrl', await findPostgres('the @tinyagent/dbos tests'));
}

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}
