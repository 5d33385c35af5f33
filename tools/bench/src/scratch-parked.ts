// Heap per run parked on its 2nd model call: ReactAgent vs a hand loop, same ChatModel.
import { tool } from '@tinyagent/core';
import type { ChatModel, ChatRequest, ChatResponse } from '@tinyagent/core';
import { ReactAgent } from '@tinyagent/react-agent';
import { z } from 'zod';
const N = Number(process.argv[3] ?? 5000);
const which = process.argv[2] ?? 'agent';
const parked: Array<(r: ChatResponse) => void> = [];
const model: ChatModel = {
  modelName: 'm',
  complete(request: ChatRequest) {
    if (request.messages.length < Number(process.env.PARK ?? 3))
      return Promise.resolve({ content: null, toolCalls: [{ id: 'call_' + Math.random().toString(36).slice(2, 12), name: 'add', arguments: '{"a":1,"b":2}' }], finishReason: 'tool_calls', usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 }, model: 'm' });
    return new Promise((resolve) => parked.push(resolve));
  },
};
const add = tool({ name: 'add', description: 'adds', parameters: z.object({ a: z.number(), b: z.number() }), execute: ({ a, b }) => String(a + b) });
const agent = new ReactAgent({ tools: [add], chatModel: model, toolCalling: 'native' });
async function hand(task: string) {
  const messages: any[] = [{ role: 'system', content: 'You are a helpful assistant that solves tasks with tools.' }, { role: 'user', content: task }];
  for (let t = 0; t < 5; t++) {
    const r = await model.complete({ messages });
    if (r.toolCalls.length === 0) return r.content;
    messages.push({ role: 'assistant', content: r.content, toolCalls: r.toolCalls });
    const outs = await Promise.all(r.toolCalls.map(async (c) => { const a = JSON.parse(c.arguments); return String(a.a + a.b); }));
    r.toolCalls.forEach((c, i) => messages.push({ role: 'tool', toolCallId: c.id, content: outs[i] }));
  }
}
const go = (i: number) => (which === 'agent' ? agent.run('Add the numbers ' + i + ' and more, please, now.', { onEvent: process.env.DBG ? (e) => console.log(e.type) : undefined }) : hand('Add the numbers ' + i + ' and more, please, now.'));
for (let i = 0; i < 200; i++) { const p = go(i); while (parked.length === 0) await new Promise((r) => setTimeout(r, 0)); parked.splice(0).forEach((f) => f({ content: 'done', toolCalls: [], finishReason: 'stop', usage: undefined, model: 'm' })); await p; }
globalThis.gc!(); globalThis.gc!();
const before = process.memoryUsage().heapUsed;
import('node:v8').then(()=>{});
if (process.env.SNAP) (await import('node:v8')).writeHeapSnapshot('/tmp/snap-before.heapsnapshot');
const runs = Array.from({ length: N }, (_, i) => go(i));
while (parked.length < N) await new Promise((r) => setTimeout(r, 5));
globalThis.gc!(); globalThis.gc!();
const after = process.memoryUsage().heapUsed;
if (process.env.SNAP) (await import('node:v8')).writeHeapSnapshot('/tmp/snap-after.heapsnapshot');
console.log(which, 'parked', parked.length, 'bytes/run', ((after - before) / N).toFixed(0));
parked.splice(0).forEach((f) => f({ content: 'done', toolCalls: [], finishReason: 'stop', usage: undefined, model: 'm' }));
await Promise.all(runs);
