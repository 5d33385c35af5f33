// The process the cancellation check runs in:
//   node --conditions=@tinyagent/source cancellation-child.ts <baseURL> <runs> <seed>
// It aborts the runs, prints one JSON line with their outcomes, and must then exit by itself:
// nothing here calls process.exit unless something still holds the process 20 s later.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { runCancellationScenario } from './cancellation.ts';

const [baseURL = '', runs = '30', seed = '1'] = process.argv.slice(2);
const started = performance.now();
// How late the event loop ran: a settle time that matches it was the machine's, not the run's.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
const outcomes = await runCancellationScenario(baseURL, Number(runs), Number(seed));
loopDelay.disable();
const durationMs = performance.now() - started;
process.stdout.write(`${JSON.stringify({ outcomes, durationMs, maxLoopDelayMs: loopDelay.max / 1e6 })}\n`);

setTimeout(() => {
  process.stderr.write(`The process is still alive, held by: ${process.getActiveResourcesInfo().join(', ')}\n`);
  process.exit(3);
}, 20_000).unref();
