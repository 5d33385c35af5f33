import type OpenAI from 'openai';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { OpenAIChatModel } from './openai-chat-model.ts';
import type { OpenAIChatModelOptions } from './openai-chat-model.ts';
import type { AgentModelOptions } from '../run/agent-setup.ts';

// The HTTP suite of OpenAIChatModel lives in @tinyagent/testing, beside the fake server.

describe('the client option', () => {
  it('accepts a client by the shape it uses (baseURL, chat.completions.create), not by the OpenAI class', () => {
    // The shape of an openai@6 client, or of any wrapper around one.
    const structural = {
      baseURL: 'http://127.0.0.1:1/v1',
      chat: { completions: { create: (_body: object, _options?: object) => Promise.resolve({}) } },
    };
    type ModelClient = NonNullable<OpenAIChatModelOptions['client']>;

    expectTypeOf(structural).toExtend<ModelClient>();
    expectTypeOf(structural).toExtend<NonNullable<AgentModelOptions['client']>>();
    expectTypeOf<OpenAI>().toExtend<ModelClient>();
    expect(new OpenAIChatModel({ client: structural }).modelName).toBe('gpt-4o-mini');
  });
});
