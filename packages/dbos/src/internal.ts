// @tinyagent/dbos/internal: what TinyAgent's own tooling (tests, benchmarks, the soak, the doc check)
// needs to run against a throwaway PostgreSQL. Unstable: anything here may change or go in any
// release, without notice in the changelog. The server script it starts lives in the repository only.
export { HOW_TO_PROVIDE_POSTGRES, createThrowawayDatabase, findPostgres, queryRows } from './throwaway-postgres.ts';
export type { ThrowawayDatabase } from './throwaway-postgres.ts';
