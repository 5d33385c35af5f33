import { firstMessage, runInChild, startChild } from './child-process.ts';
import type { ModelProcessReady } from './model-process.ts';
import type { InFlightSamples } from './measurements/in-flight-memory.ts';
const ids = process.argv.slice(2);
const model = startChild('./model-process.ts', { profile: false });
const { modelURL } = await firstMessage<ModelProcessReady>(model, 'model');
const reps = Number(process.env.REPS ?? 1);
for (let r = 0; r < reps; r++)
for (const id of ids) {
  const s = await runInChild<InFlightSamples>({ kind: 'in-flight-memory', quick: false, modelURL, contestantId: id }, id);
  const per = s.readings.map((x) => (x.heapUsedBytes / x.inFlight / 1024).toFixed(1));
  const rss = s.readings.map((x) => (x.rssBytes / x.inFlight / 1024).toFixed(1));
  console.log(id, 'heap KB/run', per.join(' '), 'rss', rss.join(' '), 'inflight', s.readings.map((x) => x.inFlight).join(' '), 'wrong', JSON.stringify(s.tally).slice(0, 80));
}
model.disconnect();
