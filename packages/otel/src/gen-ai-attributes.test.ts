import * as incubating from '@opentelemetry/semantic-conventions/incubating';
import * as stable from '@opentelemetry/semantic-conventions';
import { describe, expect, it } from 'vitest';
import * as copied from './gen-ai-attributes.ts';

describe('gen-ai-attributes', () => {
  it('spells every attribute as the installed semantic conventions do', () => {
    const names = Object.entries(copied).filter(([key]) => key.startsWith('ATTR_'));
    expect(names.length).toBeGreaterThan(10);
    for (const [key, value] of names) {
      const official: unknown =
        (incubating as Record<string, unknown>)[key] ?? (stable as Record<string, unknown>)[key];
      expect({ key, value: official }).toEqual({ key, value });
    }
  });

  it('spells every operation name as the installed semantic conventions do', () => {
    const conventions = incubating as Record<string, unknown>;
    expect(copied.OPERATION_INVOKE_AGENT).toBe(conventions.GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT);
    expect(copied.OPERATION_CHAT).toBe(conventions.GEN_AI_OPERATION_NAME_VALUE_CHAT);
    expect(copied.OPERATION_EXECUTE_TOOL).toBe(conventions.GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL);
  });
});
