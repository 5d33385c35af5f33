import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../errors.ts';
import { OpenAIChatModel } from '../model/openai-chat-model.ts';
import { checkOptionKeys } from './option-keys.ts';

describe('checkOptionKeys', () => {
  it('accepts options whose keys are all known', () => {
    expect(() => checkOptionKeys({ a: 1, b: undefined }, ['a', 'b', 'c'], 'Thing')).not.toThrow();
  });

  it('names the unknown key, the closest accepted one and all accepted ones', () => {
    expect(() => checkOptionKeys({ maxStep: 3 }, ['maxSteps', 'verbose'], 'Thing')).toThrow(
      new ConfigurationError(
        "Thing: unknown option 'maxStep'. Did you mean 'maxSteps'? Accepted options: maxSteps, verbose.",
      ),
    );
  });

  it('suggests nothing for a key unlike any accepted one', () => {
    expect(() => checkOptionKeys({ colour: 'red' }, ['maxSteps'], 'Thing')).toThrow(
      "Thing: unknown option 'colour'. Accepted options: maxSteps.",
    );
  });

  it('gives the advice of a hint for a known misplacement', () => {
    expect(() => checkOptionKeys({ streaming: true }, ['tools'], 'Agent', { streaming: 'Put it there.' })).toThrow(
      "Agent: unknown option 'streaming'. Put it there. Accepted options: tools.",
    );
  });
});

describe('OpenAIChatModel options', () => {
  it('rejects an unknown option at construction', () => {
    expect(() => new OpenAIChatModel({ baseURL: 'http://127.0.0.1:1/v1', stream: true } as object)).toThrow(
      "OpenAIChatModel: unknown option 'stream'. Did you mean 'streaming'?",
    );
  });
});
