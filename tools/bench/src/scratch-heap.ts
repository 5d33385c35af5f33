import { writeHeapSnapshot } from 'node:v8';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { firstMessage, startChild } from './child-process.ts';
import type { ModelProcessReady } from './model-process.ts';
import { findContestant } from './contestants/index.ts';
import { createAddTask, modelForLatency } from './scenario.ts';
const [id, nArg] = process.argv.slice(2);
const N = Number(nArg ?? 500);
const model = startChild('./model-process.ts', { profile: false });
const { modelURL } = await firstMessage<ModelProcessReady>(model, 'model');
const create = await findContestant(id!).load();
const warm = create({ baseURL: modelURL, model: modelForLatency(0) });
for (let i = 0; i < 100; i++) await warm(createAddTask(i).text);
const run = create({ baseURL: modelURL, model: modelForLatency(2000) });
function agg() {
  globalThis.gc?.(); globalThis.gc?.();
  const file = writeHeapSnapshot();
  const snap = JSON.parse(readFileSync(file, 'utf8'));
  const f = snap.snapshot.meta.node_fields as string[]; const types = snap.snapshot.meta.node_types[0] as string[];
  const nf = f.length; const nodes = snap.nodes as number[]; const strings = snap.strings as string[];
  const m = new Map<string, { c: number; s: number }>();
  for (let i = 0; i < nodes.length; i += nf) {
    const key = types[nodes[i]!] + ':' + strings[nodes[i + 1]!]!.slice(0, 60);
    const e = m.get(key) ?? { c: 0, s: 0 }; e.c++; e.s += nodes[i + 3]!; m.set(key, e);
  }
  return m;
}
const before = agg();
const runs: Promise<unknown>[] = [];
for (let i = 0; i < N; i++) runs.push(run(createAddTask(1000 + i).text).catch(() => {}));
await sleep(1000);
const after = agg();
const rows: [string, number, number][] = [];
for (const [k, v] of after) { const b = before.get(k) ?? { c: 0, s: 0 }; rows.push([k, (v.c - b.c) / N, (v.s - b.s) / N]); }
rows.sort((a, b) => b[2] - a[2]);
let total = 0; for (const r of rows) total += r[2];
console.log('total bytes/run', total.toFixed(0));
for (const r of rows.slice(0, 60)) console.log(r[2].toFixed(0).padStart(6), r[1].toFixed(2).padStart(7), r[0]);
process.exit(0);
