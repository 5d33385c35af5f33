import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { collectTools, createAgentModel } from './agent-setup.ts';
import { ConfigurationError } from '../errors.ts';
import { OpenAIChatModel } from '../model/openai-chat-model.ts';
import { tool } from '../tools/tool.ts';
import { createScriptedModel } from '../testing/scripted-model.ts';

const add = tool({
  name: 'add',
  description: 'Adds.',
  parameters: z.object({ a: z.number(), b: z.number() }),
  execute: ({ a, b }) => a + b,
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('collectTools', () => {
  it('returns the tools as a frozen registry', () => {
    const registry = collectTools([add], 'TestAgent');

    expect(registry.names()).toEqual(['add']);
    expect(registry.frozen).toBe(true);
  });

  it.each([
    ['no tools', [], /TestAgent needs at least one tool/],
    ['a non-array', 'add', /needs at least one tool/],
    [
      'a plain function',
      [
        add,
        function multiply() {
          return 0;
        },
      ],
      /tools\[1\] is a function named 'multiply', not a tool/,
    ],
    ['null', [null], /tools\[0\] is null/],
    ['two tools with one name', [add, add], /two tools are named 'add'/],
  ])('refuses %s with a ConfigurationError naming the entry', (_case, tools, message) => {
    expect(() => collectTools(tools, 'TestAgent')).toThrow(message);
    expect(() => collectTools(tools, 'TestAgent')).toThrow(ConfigurationError);
  });
});

describe('createAgentModel', () => {
  it('uses a given chat model as is', () => {
    const chatModel = createScriptedModel([], { modelName: 'mine' });

    expect(createAgentModel({ chatModel })).toBe(chatModel);
  });

  it('refuses a chat model without complete()', () => {
    expect(() => createAgentModel({ chatModel: { modelName: 'broken' } as never })).toThrow(/complete\(request\)/);
  });

  it('fails at construction without key, base URL or client', () => {
    vi.stubEnv('OPENAI_API_KEY', '');
    vi.stubEnv('OPENAI_BASE_URL', '');

    expect(() => createAgentModel({})).toThrow(ConfigurationError);
  });

  it('builds an OpenAI model named as asked when configured', () => {
    const model = createAgentModel({ model: 'gpt-test', baseURL: 'http://127.0.0.1:2/v1' });

    expect(model).toBeInstanceOf(OpenAIChatModel);
    expect(model.modelName).toBe('gpt-test');
  });
});
