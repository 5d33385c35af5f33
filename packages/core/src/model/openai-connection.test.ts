import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../errors.ts';
import { OpenAIChatModel, resolveOpenAIConnection } from './openai-chat-model.ts';

function configurationError(run: () => unknown): ConfigurationError {
  try {
    run();
  } catch (error) {
    expect(ConfigurationError.isInstance(error)).toBe(true);
    return error as ConfigurationError;
  }
  return expect.unreachable('expected a ConfigurationError');
}

describe('resolveOpenAIConnection', () => {
  it('fails without key and base URL, naming both variables', () => {
    const error = configurationError(() => resolveOpenAIConnection({ env: {} }));

    expect(error.message).toContain('OPENAI_API_KEY');
    expect(error.message).toContain('OPENAI_BASE_URL');
  });

  it('uses OpenAI with the key alone', () => {
    expect(resolveOpenAIConnection({ env: { OPENAI_API_KEY: 'sk-env-key' } })).toEqual({
      apiKey: 'sk-env-key',
      baseURL: undefined,
    });
  });

  it('accepts a base URL without key, for local servers', () => {
    expect(resolveOpenAIConnection({ env: { OPENAI_BASE_URL: 'http://localhost:11434/v1' } })).toEqual({
      apiKey: undefined,
      baseURL: 'http://localhost:11434/v1',
    });
  });

  it('prefers options over the environment', () => {
    const env = { OPENAI_API_KEY: 'sk-env-key', OPENAI_BASE_URL: 'http://env.invalid/v1' };

    expect(resolveOpenAIConnection({ apiKey: 'sk-option-key', baseURL: 'http://127.0.0.1:8080/v1', env })).toEqual({
      apiKey: 'sk-option-key',
      baseURL: 'http://127.0.0.1:8080/v1',
    });
  });

  it('counts blank strings as unset, in options and environment', () => {
    const env = { OPENAI_API_KEY: 'sk-env-key', OPENAI_BASE_URL: '  ' };

    expect(resolveOpenAIConnection({ apiKey: '', baseURL: ' ', env })).toEqual({
      apiKey: 'sk-env-key',
      baseURL: undefined,
    });
    expect(() => resolveOpenAIConnection({ env: { OPENAI_API_KEY: ' ', OPENAI_BASE_URL: '' } })).toThrow(
      ConfigurationError,
    );
  });

  it.each(['not a url', 'localhost:11434/v1', 'ftp://127.0.0.1/v1'])(
    'refuses the base URL %j, showing the expected form',
    (baseURL) => {
      const error = configurationError(() => resolveOpenAIConnection({ env: { OPENAI_BASE_URL: baseURL } }));

      expect(error.message).toContain('http://localhost:11434/v1');
    },
  );

  it('does not repeat credentials of a malformed base URL in the message', () => {
    const error = configurationError(() =>
      resolveOpenAIConnection({ apiKey: 'sk-key', baseURL: 'http://user:hunter22@bad host/v1', env: {} }),
    );

    expect(error.message).not.toContain('hunter22');
  });

  it('reads process.env when no env is given', () => {
    // The shared test setup points OPENAI_BASE_URL at a dead loopback port and removes the key.
    expect(resolveOpenAIConnection()).toEqual({ apiKey: undefined, baseURL: process.env.OPENAI_BASE_URL });
  });
});

describe('OpenAIChatModel configuration', () => {
  it('constructs without configuration and fails at the first call with a ConfigurationError', async () => {
    const model = new OpenAIChatModel({ env: {} });

    expect(model.modelName).toBe('gpt-4o-mini');
    await expect(model.complete({ messages: [{ role: 'user', content: 'hi' }] })).rejects.toSatisfy(
      (error: unknown) => ConfigurationError.isInstance(error) && error.message.includes('OPENAI_API_KEY'),
    );
  });
});

describe('OpenAIChatModel options', () => {
  it.each([
    ['a negative maxRetries', { maxRetries: -1 }, /maxRetries must be a whole number of at least 0; got -1/],
    ['a fractional maxRetries', { maxRetries: 1.5 }, /maxRetries must be a whole number/],
    ['a retryDelayMs that is no number', { retryDelayMs: '500' }, /retryDelayMs must be 0 .*; got "500"\.$/],
    ['a negative maxRetryDelayMs', { maxRetryDelayMs: -1 }, /maxRetryDelayMs must be 0 \(retry at once\) or/],
    // Node fires a longer timer after 1 ms: every call would time out at once.
    ['a timeoutMs no timer can wait', { timeoutMs: 3_000_000_000 }, /timeoutMs must be .* at most 2147483647/],
    ['a maxRetryDelayMs no timer can wait', { maxRetryDelayMs: 2 ** 31 }, /up to 2147483647/],
  ])('refuses %s with a ConfigurationError', (_case, options, message) => {
    const error = configurationError(() => new OpenAIChatModel({ env: {}, ...(options as object) }));
    expect(error.message).toMatch(message);
  });

  it('takes retry delays of 0, for retries at once', () => {
    expect(new OpenAIChatModel({ env: {}, retryDelayMs: 0, maxRetryDelayMs: 0 }).modelName).toBe('gpt-4o-mini');
  });
});
