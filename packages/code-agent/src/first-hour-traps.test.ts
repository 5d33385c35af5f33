import { ConfigurationError, tool, z } from '@tinyagent/core';
import { createScriptedModel } from '@tinyagent/testing';
import { describe, expect, it } from 'vitest';
import { TinyCodeAgent } from './code-agent.ts';

const js = (code: string): string => `\`\`\`js\n${code}\n\`\`\``;

describe('TinyCodeAgent and tools that return promises', () => {
  it('refuses at construction a tool whose returns schema is a promise, naming it', () => {
    const fetchPrice = tool({
      name: 'fetch_price',
      description: 'Looks a price up.',
      returns: z.promise(z.number()),
      execute: () => Promise.resolve(3),
    });

    const build = (): TinyCodeAgent => new TinyCodeAgent({ tools: [fetchPrice], chatModel: createScriptedModel([]) });

    expect(build).toThrow(ConfigurationError);
    expect(build).toThrow(/'fetch_price'.*returns schema that is a promise.*use ReactAgent/);
  });

  it('says at the call which tool returned a Promise and what to do', async () => {
    const sneaky = tool({ name: 'sneaky', description: 'Looks sync.', execute: () => Promise.resolve(1) });
    const model = createScriptedModel([js('sneaky()'), js('final_answer("recovered")')]);

    const result = await new TinyCodeAgent({ tools: [sneaky], chatModel: model }).run('Call it', {
      returnResult: true,
    });

    const call = result.steps[0]?.toolCalls[0];
    expect(call?.output).toMatch(/Tool 'sneaky' failed: its execute returned a Promise/);
    expect(call?.output).toMatch(/cannot be detected when the agent is built.*use ReactAgent/);
  });
});

describe('TinyCodeAgent and tools defined by JSON Schema (MCP tools)', () => {
  const inputSchema = { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] };

  it('refuses one whose execute is async at construction, naming it and pointing to ReactAgent', () => {
    const readFile = tool({
      name: 'fs_read_file',
      description: 'Reads a file.',
      inputSchema,
      execute: async (args) => Promise.resolve(`contents of ${String(args.path)}`),
    });

    const build = (): TinyCodeAgent => new TinyCodeAgent({ tools: [readFile], chatModel: createScriptedModel([]) });

    expect(build).toThrow(ConfigurationError);
    expect(build).toThrow(/does not support async tools: 'fs_read_file' has an async execute.*use ReactAgent/s);
  });

  it('runs one whose execute is synchronous, its arguments checked against the schema', async () => {
    const readFile = tool({
      name: 'fs_read_file',
      description: 'Reads a file.',
      inputSchema,
      execute: (args) => `contents of ${String(args.path)}`,
    });
    const model = createScriptedModel([
      js('fs_read_file({ path: 3 })'),
      js('final_answer(fs_read_file({ path: "/a" }))'),
    ]);

    const result = await new TinyCodeAgent({ tools: [readFile], chatModel: model }).run('Read /a', {
      returnResult: true,
    });

    expect(result.steps[0]?.toolCalls[0]?.output).toMatch(/path: Invalid input: expected string, received number/);
    expect(result.output).toBe('contents of /a');
  });
});

describe('TinyCodeAgent object answers', () => {
  it('keeps an object answer as the value and its JSON text as the output, in run() and returnResult', async () => {
    const add = tool({ name: 'add', description: 'Adds.', execute: () => 1 });
    const reply = js('final_answer({ a: 1, list: [2, 3] })');
    const agent = new TinyCodeAgent({ tools: [add], chatModel: createScriptedModel([reply, reply]) });

    const result = await agent.run('Answer with an object.', { returnResult: true });
    const text = await agent.run('Answer with an object.');

    expect(result.finalAnswer?.value).toEqual({ a: 1, list: [2, 3] });
    expect(result.output).toBe('{"a":1,"list":[2,3]}');
    expect(text).toBe(result.output);
  });
});
