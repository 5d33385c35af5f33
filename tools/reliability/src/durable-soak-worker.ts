// A worker process of the durable crash soak (durable-soak.ts starts three and SIGKILLs them): a
// ReactAgent on the fake model server whose `step` tool counts each execution in PostgreSQL, with
// the pid of the process that ran it. Env: DATABASE_URL, OPENAI_BASE_URL, EXECUTOR_ID. Prints `ready`,
// then `begin <run> <n>` once a step's execution is recorded and `end <run> <n>` as it returns, so that
// the soak kills a worker while it has steps in flight.
import pg from 'pg';
import { OpenAIChatModel, createConsoleLogger, setLogger, tool, z } from '@tinyagent/core';
import { startDurableWorker } from '@tinyagent/dbos';
import { ReactAgent } from '@tinyagent/react-agent';

const databaseUrl = process.env.DATABASE_URL ?? '';
const executorId = process.env.EXECUTOR_ID ?? '';
// DBOS's recovery lines by the dozen would bury the soak's report; errors still show.
setLogger(createConsoleLogger('error'));

const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
const step = tool({
  name: 'step',
  description: 'Does step n of run r.',
  parameters: z.object({ run: z.number().int(), n: z.number().int() }),
  execute: async ({ run, n }) => {
    await pool.query('INSERT INTO soak_executions (run, n, pid) VALUES ($1, $2, $3)', [run, n, process.pid]);
    console.log(`begin ${String(run)} ${String(n)}`);
    // A tool that takes a moment, so that kills land while it runs.
    await new Promise((resolve) => setTimeout(resolve, 30 + ((run * 7 + n * 13) % 90)));
    console.log(`end ${String(run)} ${String(n)}`);
    return `step ${String(n)} of run ${String(run)} done`;
  },
});
const chatModel = new OpenAIChatModel({ baseURL: process.env.OPENAI_BASE_URL ?? '', model: 'fake-model' });
const agent = new ReactAgent({ tools: [step], chatModel, toolCalling: 'native' });

await startDurableWorker({ databaseUrl, agents: { soak: agent }, executorId, concurrency: 10, pollingIntervalMs: 100 });
console.log('ready');
