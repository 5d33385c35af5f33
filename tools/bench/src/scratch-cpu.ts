import { firstMessage, startChild } from './child-process.ts';
import type { ModelProcessReady } from './model-process.ts';
import { findContestant } from './contestants/index.ts';
import { createAddTask, modelForLatency } from './scenario.ts';
const ids = process.argv.slice(2);
const model = startChild('./model-process.ts', { profile: false });
const { modelURL } = await firstMessage<ModelProcessReady>(model, 'model');
const runs = new Map<string, (t: string) => Promise<unknown>>();
for (const id of ids) runs.set(id, (await findContestant(id).load())({ baseURL: modelURL, model: modelForLatency(0) }) as never);
let seed = 0;
for (const [, r] of runs) for (let i = 0; i < 300; i++) await r(createAddTask(seed++).text);
const totals = new Map<string, number[]>();
const ROUNDS = Number(process.env.ROUNDS ?? 20), BATCH = 25;
for (let round = 0; round < ROUNDS; round++) {
  const order = [...runs]; for (let k = 0; k < round % order.length; k++) order.push(order.shift()!);
  for (const [id, r] of order) {
    if (process.env.GCB) globalThis.gc!();
    const c0 = process.cpuUsage();
    for (let i = 0; i < BATCH; i++) await r(createAddTask(seed++).text);
    if (process.env.GCE) globalThis.gc!();
    const c = process.cpuUsage(c0);
    (totals.get(id) ?? totals.set(id, []).get(id)!).push((c.user + c.system) / BATCH);
  }
}
const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!;
const base = totals.get(ids[ids.length - 1]!)!;
for (const [id, t] of totals) {
  const ratios = t.map((v, i) => v / base[i]!);
  console.log(id.padEnd(18), 'µs/run', med(t).toFixed(0), 'ratio(median of rounds)', med(ratios).toFixed(3));
}
model.disconnect();
process.exit(0);
