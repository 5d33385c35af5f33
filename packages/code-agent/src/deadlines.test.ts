import { ConfigurationError, tool, z } from '@tinyagent/core';
import { createScriptedModel } from '@tinyagent/testing';
import { describe, expect, it } from 'vitest';
import { TinyCodeAgent } from './code-agent.ts';

const add = tool({
  name: 'add',
  description: 'Adds two numbers.',
  parameters: z.object({ a: z.number(), b: z.number() }),
  execute: ({ a, b }) => a + b,
});

const answer = '```js\nfinal_answer(add({ a: 2, b: 3 }))\n```';

describe('TinyCodeAgent deadlines', () => {
  it('sends modelTimeoutMs as each request deadline, the run option first', async () => {
    const model = createScriptedModel([answer, answer]);
    const agent = new TinyCodeAgent({ tools: [add], chatModel: model, modelTimeoutMs: 9_000 });

    await agent.run('Add.');
    await agent.run('Add.', { modelTimeoutMs: 40 });

    expect(model.requests.map((request) => request.timeoutMs)).toEqual([9_000, 40]);
  });

  it('refuses toolTimeoutMs, saying that the sandbox deadline bounds synchronous tools', async () => {
    const model = createScriptedModel([answer]);
    const build = (): TinyCodeAgent => new TinyCodeAgent({ tools: [add], chatModel: model, toolTimeoutMs: 5 } as never);

    expect(build).toThrow(ConfigurationError);
    expect(build).toThrow(/run synchronously.*limits: \{ timeoutMs \}/);
    const agent = new TinyCodeAgent({ tools: [add], chatModel: model });
    await expect(agent.run('Add.', { toolTimeoutMs: 5 })).rejects.toThrow(
      /TinyCodeAgent's run: toolTimeoutMs does not apply.*limits: \{ timeoutMs \}/,
    );
  });
});
