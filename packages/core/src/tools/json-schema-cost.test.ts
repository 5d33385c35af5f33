import { describe, expect, it } from 'vitest';
import { ToolInputError } from '../errors.ts';
import { tool } from './tool.ts';
import type { JsonSchema } from './tool.ts';

function jsonTool(inputSchema: JsonSchema) {
  return tool({ name: 'probe', description: 'Echoes its arguments.', inputSchema, execute: () => 'ran' });
}

// `levels` definitions, each a union of two objects whose `c` refers to the next: following the
// references costs 2^levels checks on arguments nested `levels` deep (22 levels took zod 6 s).
function unionBomb(levels: number): { schema: JsonSchema; nested: unknown } {
  const definitions: Record<string, unknown> = { [`n${levels}`]: { type: 'string' } };
  for (let level = 0; level < levels; level += 1) {
    const next = { $ref: `#/$defs/n${level + 1}` };
    definitions[`n${level}`] = {
      anyOf: ['x', 'y'].map((key) => ({ type: 'object', properties: { c: next }, required: [key] })),
    };
  }
  let nested: unknown = 5;
  for (let level = 0; level < levels; level += 1) nested = { c: nested };
  return { schema: { type: 'object', properties: { c: { $ref: '#/$defs/n0' } }, $defs: definitions }, nested };
}

describe('the cost of checking the arguments of a JSON Schema tool', () => {
  it('follows no $ref of a schema whose references would multiply the work at every level', async () => {
    const { schema, nested } = unionBomb(40);

    // Followed, this call would not end in a lifetime; unfollowed, the references check nothing.
    await expect(jsonTool(schema).run({ c: nested })).resolves.toBe('ran');
  });

  it('follows the references of an ordinary recursive schema', async () => {
    const tree = jsonTool({
      type: 'object',
      properties: { root: { $ref: '#/$defs/node' } },
      $defs: {
        node: {
          type: 'object',
          properties: { value: { type: 'number' }, children: { type: 'array', items: { $ref: '#/$defs/node' } } },
        },
      },
    });

    await expect(tree.run({ root: { children: [{ children: [{ value: 'x' }] }] } })).rejects.toThrow(
      'root.children[0].children[0].value: Invalid input: expected number, received string',
    );
  });

  it('follows no $ref when a definition refers to itself without going into the value', async () => {
    const looping = jsonTool({
      type: 'object',
      properties: { a: { $ref: '#/$defs/a' } },
      $defs: { a: { allOf: [{ $ref: '#/$defs/a' }, { type: 'string' }] } },
    });

    await expect(looping.run({ a: 1 })).resolves.toBe('ran');
  });

  it('refuses arguments nested deeper than 64 levels, saying so', async () => {
    let nested: unknown = 1;
    for (let level = 0; level < 70; level += 1) nested = [nested];

    const error: unknown = await jsonTool({ type: 'object' })
      .run({ a: nested })
      .catch((reason: unknown) => reason);
    expect(ToolInputError.isInstance(error)).toBe(true);
    expect(String(error)).toContain('(arguments): arguments nested deeper than 64 levels are not accepted');
  });
});
