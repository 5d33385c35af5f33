import { afterEach, describe, expect, it, vi } from 'vitest';
import { ToolExecutionError } from '../errors.ts';
import { toolFailureError } from './tool-failure.ts';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('toolFailureError', () => {
  it('unwraps what the tool threw, the very object', () => {
    const thrown = new TypeError('boom');

    expect(toolFailureError(new ToolExecutionError('failed', { toolName: 't', cause: thrown }))).toBe(thrown);
  });

  it('replaces an error holding a known secret by a redacted copy of the same class', () => {
    vi.stubEnv('OPENAI_API_KEY', 'sk-failure-secret-123');
    const thrown = new TypeError('upstream said sk-failure-secret-123', { cause: 'sk-failure-secret-123' });

    const shown = toolFailureError(new ToolExecutionError('failed', { toolName: 't', cause: thrown }));

    expect(shown).toBeInstanceOf(TypeError);
    expect(shown?.message).toBe('upstream said [redacted]');
    expect(shown?.stack).toContain('TypeError: upstream said [redacted]');
    expect(shown?.cause).toBeUndefined();
  });
});
