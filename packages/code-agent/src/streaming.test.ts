import { tool, z } from '@tinyagent/core';
import type { AgentEvent } from '@tinyagent/core';
import { startFakeOpenAI } from '@tinyagent/testing';
import type { FakeOpenAIServer } from '@tinyagent/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { TinyCodeAgent } from './code-agent.ts';
import type { CodeEvent } from './code-events.ts';
import { extractCode } from './code-extraction.ts';

// Token streaming (run option `deltas`) in the code agent: the real openai SDK against the fake
// server streaming in small chunks, the code block reported as it is written (`code-delta`), and
// the answer, which only running the code gives, reported whole (`answer-delta`).

const getWeather = tool({
  name: 'get_weather',
  description: 'Current weather for a city.',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => ({ city, celsius: 21 }),
});

const FIRST = 'I will look it up.\n\n```js\nconst w = get_weather({ city: "Paris" });\nconsole.log(w.celsius);\n```';
const SECOND = 'Now the answer.\n```javascript\n  final_answer(`It is 21 °C in Paris.`);\n```\nDone.';

let server: FakeOpenAIServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

function deltas(events: readonly (AgentEvent | CodeEvent)[], type: 'code-delta' | 'answer-delta', step: number) {
  return events.flatMap((event) => (event.type === type && event.step === step ? [event.text] : []));
}

describe('TinyCodeAgent with deltas', () => {
  it('streams each code block as code-delta, and the answer final_answer gives as one answer-delta', async () => {
    server = await startFakeOpenAI({ script: [FIRST, SECOND], chunkSize: 3 });
    const agent = new TinyCodeAgent({ tools: [getWeather], baseURL: server.url, model: 'fake-model' });
    const events: (AgentEvent | CodeEvent)[] = [];

    const answer = await agent.run('Weather in Paris?', { deltas: true, onEvent: (event) => events.push(event) });

    expect(answer).toBe('It is 21 °C in Paris.');
    // The code only, as extractCode takes it from the whole reply: no fences, no prose.
    expect(deltas(events, 'code-delta', 1).join('')).toBe(extractCode(FIRST)?.code);
    expect(deltas(events, 'code-delta', 2).join('')).toBe(extractCode(SECOND)?.code);
    expect(deltas(events, 'code-delta', 1).length).toBeGreaterThan(3);
    // Every piece of a block comes before the block runs.
    const types = events.map((event) => `${event.step}:${event.type}`);
    expect(types.lastIndexOf('1:code-delta')).toBeLessThan(types.indexOf('1:code-start'));
    // No answer while the model writes code; the answer, whole, just before final-answer.
    expect(deltas(events, 'answer-delta', 1)).toEqual([]);
    expect(deltas(events, 'answer-delta', 2)).toEqual(['It is 21 °C in Paris.']);
    expect(types.indexOf('2:answer-delta')).toBe(types.indexOf('2:final-answer') - 1);
  });

  it('keeps the pieces out of the step records: a run records the same steps with deltas or without', async () => {
    server = await startFakeOpenAI({ script: [FIRST, SECOND, FIRST, SECOND], chunkSize: 3 });
    const agent = new TinyCodeAgent({ tools: [getWeather], baseURL: server.url, model: 'fake-model' });

    const streamed = await agent.run('Weather in Paris?', { deltas: true, returnResult: true });
    const plain = await agent.run('Weather in Paris?', { returnResult: true });

    const kinds = (result: typeof plain) => result.steps.map((step) => step.agentEvents.map((event) => event.type));
    expect(kinds(streamed)).toEqual(kinds(plain));
    expect(kinds(streamed).flat()).not.toContain('code-delta');
  });

  it('streams nothing without the deltas option', async () => {
    server = await startFakeOpenAI({ script: [SECOND], chunkSize: 3 });
    const agent = new TinyCodeAgent({ tools: [getWeather], baseURL: server.url, model: 'fake-model' });
    const events: (AgentEvent | CodeEvent)[] = [];

    await agent.run('Weather in Paris?', { onEvent: (event) => events.push(event) });

    expect(events.some((event) => event.type.endsWith('-delta'))).toBe(false);
    expect(server.requests.every((request) => request.body.stream !== true)).toBe(true);
  });
});
