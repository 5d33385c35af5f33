import { ToolExecutionError, ToolInputError } from '@tinyagent/core';
import { describe, expect, it } from 'vitest';
import { describeToolFailure, truncateObservation } from './tool-calls.ts';

describe('truncateObservation', () => {
  it('leaves text within the limit alone', () => {
    expect(truncateObservation('short', 5)).toEqual({ output: 'short', originalLength: undefined });
  });

  it('cuts longer text with a notice giving the original length', () => {
    expect(truncateObservation('abcdefgh', 3)).toEqual({
      output: 'abc\n[truncated: showing the first 3 of 8 characters]',
      originalLength: 8,
    });
  });

  it('never splits a surrogate pair', () => {
    const { output } = truncateObservation('ab😀cd', 3);

    expect(output.startsWith('ab\n')).toBe(true);
    expect(output).toContain('showing the first 2 of 6 characters');
  });
});

describe('describeToolFailure', () => {
  it('says once which tool failed and why', () => {
    const issues = [{ path: ['a'], message: 'expected number' }];
    const input = new ToolInputError(ToolInputError.describe('add', issues), { toolName: 'add', issues });
    const failure = new ToolExecutionError(ToolExecutionError.describe('add', 'overflow'), { toolName: 'add' });

    expect(describeToolFailure(input)).toBe("Error: Invalid arguments for tool 'add': a: expected number");
    expect(describeToolFailure(failure)).toBe("Error: Tool 'add' failed: overflow");
    expect(describeToolFailure('a thrown string')).toBe('Error: a thrown string');
  });
});
