import { Readable } from 'node:stream';
import { createThrowawayDatabase, findPostgres } from '@tinyagent/dbos/internal';
import type { ThrowawayDatabase } from '@tinyagent/dbos/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli.ts';

// The durable demo against the machine's PostgreSQL (DATABASE_URL, else the server the project's
// script starts, as for the dbos package's tests), in a database of this file's own, made fresh and
// dropped after: no run of the demo or of another test is there. Offline: only the model is scripted.

// DBOS's start and migrations take seconds on a loaded 2-core machine.
const DBOS_TIMEOUT_MS = 60_000;

function capture() {
  const sink = { text: '', write: (chunk: string) => ((sink.text += chunk), true), isTTY: false };
  return sink;
}

let database: ThrowawayDatabase | undefined;
let databaseUrl = '';

beforeAll(async () => {
  database = await createThrowawayDatabase(await findPostgres('the durable demo test'), 'tinyagent_demo_test');
  databaseUrl = database.url;
}, DBOS_TIMEOUT_MS);

afterAll(async () => {
  await database?.drop();
}, DBOS_TIMEOUT_MS);

describe('durable demo, offline', () => {
  it(
    'records the steps, waits in PostgreSQL for the approval, and completes once approved',
    async () => {
      const stdout = capture();
      const stderr = capture();

      const env = { DATABASE_URL: databaseUrl };
      const code = await runCli(['durable'], { stdin: Readable.from([]), stdout, stderr, env });

      expect(stderr.text).toBe('');
      expect(code).toBe(0);
      expect(stdout.text).toContain(
        'step recorded: get_balance → {"account":"checking","balance":1250,"currency":"EUR"}',
      );
      expect(stdout.text).toMatch(/the run waits in PostgreSQL for approval of \S+ \(awaiting_approval\)/);
      expect(stdout.text).toContain('approved from the client side');
      expect(stdout.text).toContain('completed: Paid 120 EUR to Ada Power Co.');
    },
    DBOS_TIMEOUT_MS,
  );

  it(
    'writes the outcome as JSON to stdout with --json, and its notes to stderr',
    async () => {
      const stdout = capture();
      const stderr = capture();

      const env = { DATABASE_URL: databaseUrl };
      const code = await runCli(['durable', '--json'], { stdin: Readable.from([]), stdout, stderr, env });

      expect(code).toBe(0);
      const outcome = JSON.parse(stdout.text) as { state: string; output: string };
      expect(outcome.state).toBe('completed');
      expect(outcome.output).toContain('Paid 120 EUR to Ada Power Co.');
      expect(stderr.text).toContain('approved from the client side');
    },
    DBOS_TIMEOUT_MS,
  );

  it(
    'says to check DATABASE_URL when the worker cannot start, without the password',
    async () => {
      const stdout = capture();
      const stderr = capture();
      const url = new URL(databaseUrl);
      url.password = 'not-the-password-4711';

      const env = { DATABASE_URL: url.toString() };
      const code = await runCli(['durable'], { stdin: Readable.from([]), stdout, stderr, env });

      expect(code).toBe(1);
      expect(stderr.text).toContain('could not start a durable worker');
      expect(stderr.text).toContain('check DATABASE_URL');
      expect(stderr.text).not.toContain('bug in the demo');
      expect(stdout.text + stderr.text).not.toContain('not-the-password-4711');
      expect(stdout.text).not.toContain('submitted run');
    },
    DBOS_TIMEOUT_MS,
  );

  it('says how to start PostgreSQL when none answers, and does nothing else', async () => {
    const stdout = capture();
    const stderr = capture();
    const argv = ['durable', '--database-url', 'postgres://nobody:secret@127.0.0.1:1/none'];

    const code = await runCli(argv, { stdin: Readable.from([]), stdout, stderr, env: {} });

    expect(code).toBe(0);
    expect(stdout.text).toContain('no PostgreSQL: set DATABASE_URL');
    expect(stdout.text).toContain('tools/scripts/ensure-postgres.sh');
    expect(stdout.text).not.toContain('submitted run');
  });

  it('reads DATABASE_URL from the environment it is given, not the process', async () => {
    const stdout = capture();
    const stderr = capture();

    const code = await runCli(['durable'], { stdin: Readable.from([]), stdout, stderr, env: {} });

    expect(code).toBe(0);
    expect(stdout.text).toContain('no PostgreSQL: set DATABASE_URL');
  });
});
