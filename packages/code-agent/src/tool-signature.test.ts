import { tool, z } from '@tinyagent/core';
import { describe, expect, it } from 'vitest';
import { describeToolSignature } from './tool-signature.ts';

describe('describeToolSignature', () => {
  it('renders arguments, optional marks, descriptions and the declared return shape', () => {
    const searchTool = tool({
      name: 'search',
      description: 'Searches the catalogue.',
      parameters: z.object({
        query: z.string().describe('Words to look for'),
        limit: z.number().int().optional(),
        filters: z.array(z.enum(['new', 'used'])).default([]),
        range: z.object({ from: z.number(), to: z.number().nullable() }).optional(),
      }),
      returns: z.array(z.object({ title: z.string(), price: z.number() })),
      execute: () => [],
    });

    expect(describeToolSignature(searchTool)).toBe(
      [
        '// Searches the catalogue.',
        '//   query: Words to look for',
        'function search(args: { query: string, limit?: number, filters?: ("new" | "used")[], range?: { from: number, to: number | null } }): { title: string, price: number }[]',
      ].join('\n'),
    );
  });

  it('renders a tool without arguments or declared result', () => {
    const now = tool({ name: 'now', description: 'The time.', execute: () => new Date().toISOString() });

    expect(describeToolSignature(now)).toBe('// The time.\nfunction now(): unknown');
  });

  it('renders a tool defined by JSON Schema from its inputSchema and outputSchema', () => {
    const stat = tool({
      name: 'fs_stat',
      description: 'Describes a file.',
      inputSchema: {
        type: 'object',
        properties: { path: { type: 'string', description: 'Absolute path' } },
        required: ['path'],
      },
      outputSchema: { type: 'object', properties: { size: { type: ['number', 'number'] } }, required: ['size'] },
      execute: () => ({ size: 1 }),
    });

    expect(describeToolSignature(stat)).toBe(
      [
        '// Describes a file.',
        '//   path: Absolute path',
        'function fs_stat(args: { path: string }): { size: number }',
      ].join('\n'),
    );
  });

  it('counts a union as a level, so unions nested in unions stop at the depth limit', () => {
    const nested = (level: number): Record<string, unknown> =>
      level === 0 ? { type: 'boolean' } : { anyOf: [{ const: level }, nested(level - 1)] };
    const deep = tool({
      name: 'deep',
      description: 'Answers in layers.',
      inputSchema: { type: 'object', properties: {} },
      outputSchema: nested(12),
      execute: () => 1,
    });

    expect(describeToolSignature(deep)).toBe(
      ['// Answers in layers.', 'function deep(): 12 | 11 | 10 | 9 | unknown'].join('\n'),
    );
  });
});
