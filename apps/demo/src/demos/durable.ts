import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { RunAbortedError, tool, z } from '@tinyagent/core';
import { startDurableWorker } from '@tinyagent/dbos';
import type { DurableRunHandle, DurableRunOutcome, DurableWorker } from '@tinyagent/dbos';
import { ReactAgent } from '@tinyagent/react-agent';
import type { Demo } from '../demo.ts';
import { DemoInputError } from '../report-error.ts';
import { nativeProtocolBrain } from '../scripted-brains.ts';
import type { DemoSession } from '../session.ts';

const getBalance = tool({
  name: 'get_balance',
  description: 'The balance of the checking account, in euros.',
  execute: () => ({ account: 'checking', balance: 1_250, currency: 'EUR' }),
});

const transferMoney = tool({
  name: 'transfer_money',
  description: 'Sends euros from the checking account to a payee; every transfer waits for the user to approve.',
  parameters: z.object({ to: z.string(), amount: z.number().positive(), memo: z.string() }),
  needsApproval: true,
  execute: ({ to, amount }) => ({ status: 'sent', to, amount, reference: `TX-${String(amount)}` }),
});

const TASK = 'Pay 120 EUR to Ada Power Co., memo "March invoice", if my checking account covers it.';

// The demo's code version in DBOS: raise it when the demo's agent or tools change incompatibly.
const APPLICATION_VERSION = 'tinyagent-demo-1';
// The whole run takes seconds; longer means no worker of this version took it.
const RUN_WAIT_MS = 60_000;

const HOW_TO_START = `no PostgreSQL: set DATABASE_URL (or pass --database-url) to a server you may create tables on.
  On Debian as root, tools/scripts/ensure-postgres.sh starts the machine's PostgreSQL and prints a URL:
    DATABASE_URL=$(tools/scripts/ensure-postgres.sh) pnpm demo durable`;

/**
 * A run on @tinyagent/dbos: every model call and tool execution a step recorded in PostgreSQL, a
 * transfer that waits for approval inside the run (no process holds it meanwhile), approved as a web
 * server would, from the client side. Without a database it says how to start one and does nothing.
 */
export const durableDemo: Demo = {
  name: 'durable',
  summary: 'a durable run on DBOS and PostgreSQL: recorded steps, an approval sent to the waiting run',
  interactive: false,
  options: { 'database-url': { value: 'url', summary: 'the PostgreSQL to use (default: DATABASE_URL)' } },
  brain: nativeProtocolBrain('Pay 120 EUR to Ada Power Co.', [
    () => ({ calls: [{ tool: 'get_balance', arguments: {} }] }),
    () => ({
      calls: [{ tool: 'transfer_money', arguments: { to: 'Ada Power Co.', amount: 120, memo: 'March invoice' } }],
    }),
    (results) => ({ answer: `Paid 120 EUR to Ada Power Co.: ${results[1] ?? ''}` }),
  ]),
  async run(session, model, _args, options) {
    const given = options['database-url'];
    const databaseUrl = typeof given === 'string' ? given : session.env.DATABASE_URL;
    if (databaseUrl === undefined || databaseUrl === '' || !(await reachable(databaseUrl))) {
      session.say(HOW_TO_START);
      return;
    }
    const agent = new ReactAgent({ ...model, tools: [getBalance, transferMoney], toolCalling: 'native' });
    await withoutPgQueueWarning(async () => {
      const worker = await startWorker(databaseUrl, agent);
      try {
        await payAndApprove(session, worker);
      } finally {
        await worker.close();
      }
    });
  },
};

async function startWorker(databaseUrl: string, agent: ReactAgent): Promise<DurableWorker> {
  try {
    return await startDurableWorker({
      databaseUrl,
      agents: { payments: agent },
      applicationName: 'tinyagent-demo',
      // Fixed: DBOS's default is a hash of the code, which differs between node and vitest, and a queued
      // run goes only to the newest version's workers: a demo and its test on one database would each
      // wait for the other.
      applicationVersion: APPLICATION_VERSION,
      // A name per process: a worker that starts recovers the unfinished runs recorded under its name,
      // and under the shared default (`local`) one demo would take over another's run in flight.
      executorId: `demo-${String(process.pid)}-${randomUUID().slice(0, 8)}`,
      pollingIntervalMs: 100,
    });
  } catch (error) {
    throw new DemoInputError(`could not start a durable worker on ${describeDatabase(databaseUrl)}`, {
      hint: 'check DATABASE_URL (or --database-url): its user, password and database, and that the user may create tables there.',
      cause: error,
    });
  }
}

async function payAndApprove(session: DemoSession, worker: DurableWorker): Promise<void> {
  const run = await worker.submit('payments', TASK);
  session.say(`submitted run ${run.runId}: ${TASK}`);
  const timeout = AbortSignal.timeout(RUN_WAIT_MS);
  const stop = AbortSignal.any([timeout, session.signal]);
  let outcome: DurableRunOutcome;
  try {
    outcome = await untilAborted(follow(session, worker, run), stop);
  } catch (error) {
    if (!stop.aborted) throw error;
    // Not left on the queue for a later worker to run: the user has been told it did not happen.
    await run.cancel();
    if (!timeout.aborted) throw new RunAbortedError(`Durable run ${run.runId} was cancelled.`, { timedOut: false });
    throw new DemoInputError(
      `durable run ${run.runId} did not finish within ${String(RUN_WAIT_MS / 1000)} s; the demo cancelled it`,
      {
        hint: `no worker took it: queued runs go only to the newest version of the demo's workers in this database, and a version newer than ${APPLICATION_VERSION} is there. Give the demo a database of its own (DATABASE_URL).`,
      },
    );
  }
  if (session.flags.json) session.stdout.write(`${JSON.stringify(outcome, undefined, 2)}\n`);
  else session.say(`${outcome.state}: ${outcome.output}`);
}

async function follow(session: DemoSession, worker: DurableWorker, run: DurableRunHandle): Promise<DurableRunOutcome> {
  for await (const event of run.events()) {
    if (event.type === 'tool-end') session.say(`  step recorded: ${event.toolName} → ${event.output}`);
    if (event.type !== 'approval-requested') continue;
    session.say(`  the run waits in PostgreSQL for approval of ${event.approval.callId} (${await run.status()})`);
    // A web server would do this when a person clicks Approve, from any process.
    await worker.approve(run.runId, event.approval.callId, { approved: true });
    session.say('  approved from the client side');
  }
  return run.result();
}

// The run's handle has no signal: the race ends the wait, and the worker's close ends the polling.
async function untilAborted<Value>(work: Promise<Value>, signal: AbortSignal): Promise<Value> {
  // The loser's late rejection (the client closed under it) is of no interest.
  work.catch(() => undefined);
  let onAbort = (): void => undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(signal.reason as Error);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

// pg-pool, inside DBOS, warns once per process that pg 9 will drop queued queries: DBOS's to fix, not
// the user's, so this one warning (only it, only during the demo) is kept off their terminal.
async function withoutPgQueueWarning(work: () => Promise<void>): Promise<void> {
  const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = (warning: string | Error, ...rest: unknown[]): void => {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (text.startsWith('Calling client.query() when the client is already executing a query')) return;
    emitWarning(warning, ...rest);
  };
  try {
    await work();
  } finally {
    process.emitWarning = emitWarning;
  }
}

// user@host:port/database, for messages: never the password.
function describeDatabase(databaseUrl: string): string {
  const url = URL.parse(databaseUrl);
  if (url === null) return 'the database of DATABASE_URL';
  return `${decodeURIComponent(url.username)}@${url.host}${url.pathname}`;
}

// A quick TCP check: DBOS itself retries an unreachable server for minutes.
function reachable(databaseUrl: string): Promise<boolean> {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    return Promise.resolve(false);
  }
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port || 5432), timeout: 2_000 });
    const done = (result: boolean) => () => {
      socket.destroy();
      resolve(result);
    };
    socket.once('connect', done(true));
    socket.once('timeout', done(false));
    socket.once('error', done(false));
  });
}
