import { connect } from 'node:net';
import { tool, z } from '@tinyagent/core';
import { startDurableWorker } from '@tinyagent/dbos';
import type { DurableWorker } from '@tinyagent/dbos';
import { ReactAgent } from '@tinyagent/react-agent';
import type { Demo } from '../demo.ts';
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
    const databaseUrl = typeof given === 'string' ? given : process.env.DATABASE_URL;
    if (databaseUrl === undefined || databaseUrl === '' || !(await reachable(databaseUrl))) {
      session.say(HOW_TO_START);
      return;
    }
    const agent = new ReactAgent({ ...model, tools: [getBalance, transferMoney], toolCalling: 'native' });
    const worker = await startDurableWorker({
      databaseUrl,
      agents: { payments: agent },
      applicationName: 'tinyagent-demo',
      pollingIntervalMs: 100,
    });
    try {
      await payAndApprove(session, worker);
    } finally {
      await worker.close();
    }
  },
};

async function payAndApprove(session: DemoSession, worker: DurableWorker): Promise<void> {
  const run = await worker.submit('payments', TASK);
  session.say(`submitted run ${run.runId}: ${TASK}`);
  for await (const event of run.events()) {
    if (event.type === 'tool-end') session.say(`  step recorded: ${event.toolName} → ${event.output}`);
    if (event.type !== 'approval-requested') continue;
    session.say(`  the run waits in PostgreSQL for approval of ${event.approval.callId} (${await run.status()})`);
    // A web server would do this when a person clicks Approve, from any process.
    await worker.approve(run.runId, event.approval.callId, { approved: true });
    session.say('  approved from the client side');
  }
  const outcome = await run.result();
  session.say(`${outcome.state}: ${outcome.output}`);
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
