// A worker process of the dbos tests: `node --conditions=@tinyagent/source worker-main.ts`, with
// DATABASE_URL, TEST_FOLDER and optionally EXECUTOR_ID. It prints `ready` once it takes runs, `ended <state>` each time an agent's run (or
// resume) returns in it, and closes on SIGTERM. The tests SIGKILL it to crash it.
import { startDurableWorker } from '../durable-worker.ts';
import type { DurableAgent } from '../durable-types.ts';
import { createTestAgents } from './test-agents.ts';

const databaseUrl = process.env.DATABASE_URL ?? '';
const { agents, close } = createTestAgents(databaseUrl, process.env.TEST_FOLDER ?? '');
const executorId = process.env.EXECUTOR_ID;
const worker = await startDurableWorker({
  databaseUrl,
  agents: reporting(agents),
  applicationVersion: 'tests',
  pollingIntervalMs: 50,
  ...(executorId === undefined ? {} : { executorId }),
});
console.log('ready');
process.once('SIGTERM', () => {
  void worker
    .close()
    .then(close)
    .finally(() => process.exit(0));
});

function reporting(all: Record<string, DurableAgent>): Record<string, DurableAgent> {
  return Object.fromEntries(
    Object.entries(all).map(([name, agent]) => [
      name,
      {
        run: async (task, options) => report(await agent.run(task, options)),
        resume: async (snapshot, options) => report(await agent.resume(snapshot, options)),
      } satisfies DurableAgent,
    ]),
  );
}

function report<Result extends { state: string; error?: Error | undefined }>(result: Result): Result {
  console.log(`ended ${result.state} ${result.error?.name ?? ''}`);
  return result;
}
