// The durable crash soak (`pnpm soak` runs it after the soak, `pnpm soak:quick` in its short form):
//   node --conditions=@tinyagent/source tools/reliability/src/durable-soak.ts [--quick] [--seed N]
// Three worker processes of @tinyagent/dbos take runs of four tool steps each from one queue, against
// the fake model server. Kills are timed by progress: once a seeded share of the steps has begun, a
// worker with a step in flight is SIGKILLed and started again under its name (so it recovers its
// runs). Then: every run completed with the right answer, at least one kill cut a step off, and every
// execution of a step but its last came from a process that was killed, i.e. no step whose result
// was recorded ran again. PostgreSQL: DATABASE_URL, else tools/scripts/ensure-postgres.sh; the soak
// creates a database of its own there and drops it at the end.
import { parseArgs } from 'node:util';
import { connectDurableRuns } from '@tinyagent/dbos';
import { createThrowawayDatabase, findPostgres, queryRows } from '@tinyagent/dbos/internal';
import { startFakeOpenAI } from '@tinyagent/testing';
import type { FakeRequest, FakeResponse } from '@tinyagent/testing';
import { createSoakWorkers } from './durable-soak-workers.ts';
import { FUZZ_SEED } from './fuzz-settings.ts';
import { createRandom } from './random.ts';

const PROFILES = { full: { runs: 200, kills: 30 }, quick: { runs: 30, kills: 5 } } as const;
const STEPS = 4;
const WORKERS = 3;
const DEADLINE_MS = 300_000;

const { values } = parseArgs({ options: { quick: { type: 'boolean' }, seed: { type: 'string' } } });
const profile = values.quick === true ? 'quick' : 'full';
const sizes = PROFILES[profile];
const random = createRandom(Number(values.seed ?? FUZZ_SEED));

// A name of its own (pid and random suffix): the soak drops only the database it created.
const database = await createThrowawayDatabase(await findPostgres('the durable soak'), 'tinyagent_durable_soak');
const databaseUrl = database.url;
await queryRows(
  databaseUrl,
  'CREATE TABLE soak_executions (run int NOT NULL, n int NOT NULL, pid int NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())',
);
const server = await startFakeOpenAI({ handler: answer, recordRequests: false });
const workers = createSoakWorkers({ ...process.env, DATABASE_URL: databaseUrl, OPENAI_BASE_URL: server.url });
const started = performance.now();
// Failed until the report says otherwise: an exception on the way leaves it so.
process.exitCode = 1;
// Runs that never end would hang the soak: it fails instead, after far longer than the full profile needs.
// The workers, the fake server and the database are cleaned up first (bounded), so no worker process
// is left polling PostgreSQL.
setTimeout(() => {
  process.stderr.write(`durable soak: FAIL, runs still pending after ${String(DEADLINE_MS / 1000)} s\n`);
  const cleanUp = Promise.allSettled([workers.stopAll(), server.close(), database.drop()]);
  const giveUp = new Promise((resolve) => setTimeout(resolve, 10_000).unref());
  void Promise.race([cleanUp, giveUp]).then(() => process.exit(1));
}, DEADLINE_MS).unref();
try {
  // One after the other: the first one creates DBOS's tables, and migrations started at once collide.
  for (let index = 0; index < WORKERS; index += 1) await workers.start(`soak-worker-${String(index)}`);
  const runs = await connectDurableRuns({ databaseUrl, pollingIntervalMs: 200 });
  try {
    const handles = await Promise.all(
      Array.from({ length: sizes.runs }, (_, run) => runs.submit('soak', `soak run ${String(run)}`)),
    );
    // Settled, not all: a run that fails is counted, and its rejection waits for nobody meanwhile.
    const outcomes = Promise.allSettled(handles.map((handle) => handle.result()));
    const kills = await killAsRunsProgress(outcomes);
    const results = await outcomes;
    const wrong = results.filter(
      (outcome, run) => outcome.status === 'rejected' || outcome.value.output !== `finished run ${String(run)}`,
    );
    process.exitCode = report(wrong.length, kills, await countExecutions()) ? 0 : 1;
  } finally {
    await runs.close();
  }
} finally {
  await workers.stopAll();
  await server.close();
  await database.drop();
}

// Kill k waits until a seeded point of the k-th share of the steps has begun and a worker has a step
// in flight, then SIGKILLs such a worker: every kill cuts a step off, however fast the machine is.
// Stops early when the runs end first; resolves with the number of kills made.
async function killAsRunsProgress(outcomes: Promise<unknown>): Promise<number> {
  const expected = sizes.runs * STEPS;
  for (let kill = 0; kill < sizes.kills; kill += 1) {
    const threshold = Math.floor((expected * (kill + random.next())) / sizes.kills);
    const ready = await workers.when(() => workers.begun() >= threshold && workers.busy().length > 0, outcomes);
    if (!ready) return kill;
    const name = random.pick(workers.busy());
    await workers.kill(name);
    await workers.start(name);
  }
  return sizes.kills;
}

// The model of every run: step n's reply calls the tool for step n + 1, from the conversation alone.
function answer(request: FakeRequest): FakeResponse {
  const messages = request.body.messages;
  const task = messages.find((message) => message.role === 'user')?.content;
  const run = Number(String(task).split(' ')[2]);
  const done = messages.filter((message) => message.role === 'tool').length;
  if (done >= STEPS) return `finished run ${String(run)}`;
  return { toolCalls: [{ id: `call_${String(done + 1)}`, name: 'step', arguments: { run, n: done + 1 } }] };
}

function report(
  wrongAnswers: number,
  kills: number,
  executions: { total: number; again: number; illegal: number },
): boolean {
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const expected = sizes.runs * STEPS;
  process.stdout.write(
    `durable soak (${profile}): ${String(sizes.runs)} runs of ${String(STEPS)} tool steps on ${String(WORKERS)} workers, ` +
      `${String(kills)} SIGKILLs of a worker with a step in flight (${String(sizes.kills)} planned), ${seconds} s\n` +
      `  step executions: ${String(executions.total)} for ${String(expected)} steps; ` +
      `${String(executions.again)} again after a crash cut them off; ${String(executions.illegal)} again after completing\n` +
      `  wrong or missing answers: ${String(wrongAnswers)}\n`,
  );
  // A soak whose kills all missed the steps would prove nothing about recovery.
  const crashed = kills > 0 && executions.again > 0;
  if (!crashed) process.stdout.write('  no kill cut a step off: the crash path went untested\n');
  const pass =
    crashed && wrongAnswers === 0 && executions.illegal === 0 && executions.total - executions.again === expected;
  process.stdout.write(pass ? 'PASS\n' : 'FAIL\n');
  return pass;
}

// Every execution of a step but its last must come from a process that was killed: a step that ran
// again after a live process completed it would be a completed step executed twice.
async function countExecutions(): Promise<{ total: number; again: number; illegal: number }> {
  const rows = await queryRows<{ run: number; n: number; pids: number[] }>(
    databaseUrl,
    'SELECT run, n, array_agg(pid ORDER BY at) AS pids FROM soak_executions GROUP BY run, n',
  );
  let total = 0;
  let again = 0;
  let illegal = 0;
  for (const row of rows) {
    total += row.pids.length;
    // A crash cuts off at most one execution of a step: no process runs one step twice.
    if (new Set(row.pids).size < row.pids.length) illegal += 1;
    for (const pid of row.pids.slice(0, -1)) {
      if (workers.killedPids.has(pid)) again += 1;
      else illegal += 1;
    }
  }
  return { total, again, illegal };
}
