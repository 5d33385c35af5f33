import { spawn } from 'node:child_process';
import OpenAI from 'openai';
import { OpenAIChatModel } from '@tinyagent/core';
const child = spawn(process.execPath, ['--conditions=@tinyagent/source', 'tools/bench/src/tmp-ab/server.ts'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url: string = await new Promise((r) => child.stdout.once('data', (d) => r(String(d).trim())));
const client = new OpenAI({ apiKey: 'x', baseURL: url, maxRetries: 0 });
const messages = [{ role: 'user' as const, content: 'hi' }];
const model = new OpenAIChatModel({ apiKey: 'x', baseURL: url, model: 'm' });
const variants: Record<string, () => Promise<unknown>> = {
  plain: () => client.chat.completions.create({ model: 'm', messages }),
  signal: () => client.chat.completions.create({ model: 'm', messages }, { signal: new AbortController().signal }),
  core: () => model.complete({ messages }),
  timeout: () => client.chat.completions.create({ model: 'm', messages }, { timeout: 180000, maxRetries: 0 }),
};
const totals: Record<string, number[]> = {};
for (let round = 0; round < 30; round += 1) {
  for (const [name, run] of Object.entries(variants)) {
    const start = process.cpuUsage();
    for (let i = 0; i < 100; i += 1) await run();
    const used = process.cpuUsage(start);
    if (round >= 5) (totals[name] ??= []).push((used.user + used.system) / 100);
  }
}
for (const [name, values] of Object.entries(totals)) {
  values.sort((a, b) => a - b);
  console.log(name, 'median µs/call', values[Math.floor(values.length / 2)]?.toFixed(0));
}
child.kill();
