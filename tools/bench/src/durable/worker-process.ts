// A worker process of the durable-run measurement (workers.ts starts them, and SIGKILLs one to time
// recovery): @tinyagent/dbos's worker running the measurement's agent. Env: DATABASE_URL,
// EXECUTOR_ID, POLLING_MS, TOOL_DELAY_MS. Prints `ready`, then `step <run> <kind> <n> <epoch ms>` as
// each model call or tool execution starts live (replayed steps print nothing).
import { createConsoleLogger, setLogger } from '@tinyagent/core';
import { startDurableWorker } from '@tinyagent/dbos';
import { createDurableBenchAgent } from './durable-agent.ts';
import { DURABLE_APPLICATION_VERSION, DURABLE_CONCURRENCY } from './workers.ts';

// DBOS's recovery lines would bury the bench's tables; errors still show.
setLogger(createConsoleLogger('error'));
const agent = createDurableBenchAgent({
  toolDelayMs: Number(process.env.TOOL_DELAY_MS ?? '0'),
  onStep: (run, kind, n) => {
    // performance's clock, as epoch milliseconds: the bench compares it with its own.
    process.stdout.write(
      `step ${String(run)} ${kind} ${String(n)} ${String(performance.timeOrigin + performance.now())}\n`,
    );
  },
});
await startDurableWorker({
  databaseUrl: process.env.DATABASE_URL ?? '',
  agents: { bench: agent },
  executorId: process.env.EXECUTOR_ID ?? '',
  applicationVersion: DURABLE_APPLICATION_VERSION,
  concurrency: DURABLE_CONCURRENCY,
  pollingIntervalMs: Number(process.env.POLLING_MS ?? '50'),
});
process.stdout.write('ready\n');
