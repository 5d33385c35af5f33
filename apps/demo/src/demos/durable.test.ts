import { execFile } from 'node:child_process';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli.ts';

// The durable demo against the machine's PostgreSQL, started by the project's script as the dbos
// package's tests start it (DATABASE_URL first); offline, so only the model's decisions are scripted.

const script = fileURLToPath(new URL('../../../../tools/scripts/ensure-postgres.sh', import.meta.url));

function capture() {
  const sink = { text: '', write: (chunk: string) => ((sink.text += chunk), true), isTTY: false };
  return sink;
}

async function databaseUrl(): Promise<string> {
  const fromEnvironment = process.env.DATABASE_URL;
  if (fromEnvironment !== undefined && fromEnvironment !== '') return fromEnvironment;
  try {
    return (await promisify(execFile)('bash', [script])).stdout.trim();
  } catch (error) {
    throw new Error(
      'The durable demo test needs PostgreSQL: set DATABASE_URL, or run tools/scripts/ensure-postgres.sh as root.',
      {
        cause: error,
      },
    );
  }
}

describe('durable demo, offline', () => {
  it('records the steps, waits in PostgreSQL for the approval, and completes once approved', async () => {
    const stdout = capture();
    const stderr = capture();
    const argv = ['durable', '--database-url', await databaseUrl()];

    const code = await runCli(argv, { stdin: Readable.from([]), stdout, stderr, env: {} });

    expect(stderr.text).toBe('');
    expect(code).toBe(0);
    expect(stdout.text).toContain(
      'step recorded: get_balance → {"account":"checking","balance":1250,"currency":"EUR"}',
    );
    expect(stdout.text).toMatch(/the run waits in PostgreSQL for approval of \S+ \(awaiting_approval\)/);
    expect(stdout.text).toContain('approved from the client side');
    expect(stdout.text).toContain('completed: Paid 120 EUR to Ada Power Co.');
  });

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
});
