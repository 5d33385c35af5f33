import { registerSecret } from '@tinyagent/core';
import { describe, expect, it } from 'vitest';
import { boundedText } from './span-content.ts';

describe('boundedText', () => {
  it('never lets part of a key through, wherever the cut falls', () => {
    const key = 'sk-proj-span-content-0123456789abcdef';
    registerSecret(key);
    const text = `${key} ${key} ${key} ${'x'.repeat(150)}${key}${'y'.repeat(50)}`;
    for (const maxLength of [10, 40, 100, 200, 400]) {
      const bounded = boundedText(text, maxLength);
      expect(bounded).not.toContain(key.slice(0, 8));
      expect(bounded.length).toBeLessThanOrEqual(maxLength + '…[truncated]'.length);
    }
  });
});
