import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { ConfigurationError, ToolInputError } from '../errors.ts';
import { tool } from './tool.ts';
import type { JsonSchema, Tool } from './tool.ts';

// What an MCP server sends for a file-reading tool.
const READ_FILE_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    path: { type: 'string', description: 'Absolute path' },
    lines: { type: 'integer', minimum: 1 },
    ranges: {
      type: 'array',
      items: { type: 'object', properties: { from: { type: 'integer' } }, required: ['from'] },
    },
  },
  required: ['path'],
};

function jsonTool(inputSchema: JsonSchema) {
  return tool({ name: 'probe', description: 'Echoes its arguments.', inputSchema, execute: (args) => args });
}

async function inputErrorOf(promise: Promise<unknown>): Promise<ToolInputError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!ToolInputError.isInstance(error)) throw new Error(`expected a ToolInputError, got ${String(error)}`);
  return error;
}

describe('tools defined by JSON Schema', () => {
  const readFile = tool({
    name: 'fs_read_file',
    description: 'Read a file',
    inputSchema: READ_FILE_SCHEMA,
    execute: async (args) => Promise.resolve(`read ${String(args.path)}`),
  });

  it('runs with arguments the schema accepts, passed on as written', async () => {
    await expect(readFile.run({ path: '/a', lines: 3 })).resolves.toBe('read /a');
    await expect(jsonTool(READ_FILE_SCHEMA).run({ path: '/a', extra: true })).resolves.toBe(
      '{"path":"/a","extra":true}',
    );
  });

  it('refuses invalid arguments with the field paths, in the message shape of zod tools', async () => {
    const error = await inputErrorOf(readFile.run({ path: 7, ranges: [{ from: 1 }, { from: 'x' }] }));

    expect(error.issues.map((issue) => issue.path)).toEqual([['path'], ['ranges', 1, 'from']]);
    const zodTool = tool({
      name: 'fs_read_file',
      description: 'Read a file',
      parameters: z.object({ path: z.string(), ranges: z.array(z.object({ from: z.number().int() })) }),
      execute: () => '',
    });
    const zodError = await inputErrorOf(zodTool.run({ path: 7, ranges: [{ from: 1 }, { from: 'x' }] }));
    expect(error.message).toBe(zodError.message);
    expect(error.message).toBe(
      "Invalid arguments for tool 'fs_read_file': path: Invalid input: expected string, received number; " +
        'ranges[1].from: Invalid input: expected number, received string',
    );
  });

  it('reports a missing required argument and a bound broken', async () => {
    const error = await inputErrorOf(readFile.run({ lines: 0 }));

    expect(error.message).toBe(
      "Invalid arguments for tool 'fs_read_file': path: Invalid input: expected string, received undefined; " +
        'lines: Too small: expected number to be >=1',
    );
  });

  it("shows the model the server's schema as given, less $schema", () => {
    const { $schema: _ignored, ...rest } = READ_FILE_SCHEMA;

    expect(readFile.jsonSchema).toEqual(rest);
    expect(readFile.parameters).toBeUndefined();
  });

  it('adds the type and properties that providers expect when the schema leaves them out', () => {
    expect(jsonTool({ properties: { a: { type: 'string' } } }).jsonSchema).toEqual({
      type: 'object',
      properties: { a: { type: 'string' } },
    });
    expect(jsonTool({ type: 'object' }).jsonSchema).toEqual({ type: 'object', properties: {} });
  });

  it('keeps its own copy: a schema changed afterwards changes neither the tool nor its check', async () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] };
    const probe = jsonTool(schema);
    schema.required = [];
    schema.properties.a.type = 'number';

    expect(probe.jsonSchema).toEqual({ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] });
    await expect(probe.run({})).rejects.toThrow(ToolInputError);
  });

  it('keeps outputSchema as documentation of the result, never checked', async () => {
    const counted = tool({
      name: 'count',
      description: 'Counts.',
      inputSchema: { type: 'object' },
      outputSchema: { type: 'object', properties: { count: { type: 'number' } } },
      execute: () => 'not an object',
    });

    expect(counted.outputSchema).toEqual({ type: 'object', properties: { count: { type: 'number' } } });
    await expect(counted.run({})).resolves.toBe('not an object');
  });

  it('is async exactly when its execute is an async function', () => {
    expect(readFile.isAsync).toBe(true);
    expect(jsonTool({ type: 'object' }).isAsync).toBe(false);
  });

  it('infers a record of unknown values as the arguments, and keeps zod inference for zod tools', () => {
    const zodTool = tool({
      name: 'typed',
      description: 'Typed.',
      parameters: z.object({ city: z.string() }),
      execute: ({ city }) => city.length,
    });

    expectTypeOf(readFile).toEqualTypeOf<Tool<Record<string, unknown>, Promise<string>>>();
    expectTypeOf(zodTool).toEqualTypeOf<Tool<{ city: string }, number>>();
    // Neither schema: a zod tool without arguments, as before.
    expectTypeOf(tool({ name: 'none', description: 'No arguments.', execute: () => 1 })).toEqualTypeOf<
      Tool<z.output<z.ZodObject>, number>
    >();
  });
});

describe('what a JSON Schema tool refuses to be made of', () => {
  it.each([
    ['both inputSchema and parameters', { parameters: z.object({}) }, 'has both inputSchema and parameters'],
    ['both inputSchema and returns', { returns: z.string() }, 'has both inputSchema and returns'],
    ['an unknown option', { inputSchemas: {} }, "unknown option 'inputSchemas'"],
  ])('%s', (_, extra, said) => {
    const options = { name: 'bad', description: 'Bad.', inputSchema: { type: 'object' }, execute: () => 1, ...extra };

    expect(() => tool(options as never)).toThrow(ConfigurationError);
    expect(() => tool(options as never)).toThrow(said);
  });

  it.each([
    ['an array', [], 'must be a JSON Schema object describing the arguments'],
    ['a boolean schema', true, 'received a boolean'],
    ['a schema of another type', { type: 'string' }, `has type "string", but a tool's arguments are one JSON object`],
    ['a list of types', { type: ['object', 'null'] }, "give type 'object'"],
    ['neither type nor properties', { description: 'x' }, "has neither type 'object' nor properties"],
    [
      'a function inside',
      { type: 'object', properties: { a: () => 1 } },
      'is not JSON data: a function at properties.a',
    ],
    ['a class instance inside', { type: 'object', default: new Date(0) }, 'an instance of Date at default'],
    ['an infinite number', { type: 'object', maxProperties: Infinity }, 'Infinity at maxProperties'],
  ])('%s, saying what to pass', (_, inputSchema, said) => {
    expect(() => jsonTool(inputSchema as JsonSchema)).toThrow(ConfigurationError);
    expect(() => jsonTool(inputSchema as JsonSchema)).toThrow(said);
  });

  it('refuses outputSchema on a zod tool', () => {
    const options = { name: 'bad', description: 'Bad.', outputSchema: {}, execute: () => 1 };

    expect(() => tool(options as never)).toThrow('outputSchema goes with inputSchema');
  });

  it('refuses a schema nested too deep, cyclic, too large or too long', () => {
    let deep: JsonSchema = { type: 'string' };
    for (let level = 0; level < 40; level += 1) deep = { type: 'object', properties: { a: deep } };
    const cyclic: JsonSchema = { type: 'object', properties: {} };
    (cyclic.properties as JsonSchema).self = cyclic;
    const wide = { type: 'object', properties: Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [i, {}])) };
    const long = { type: 'object', description: 'x'.repeat(1_000_001) };

    expect(() => jsonTool(deep)).toThrow('nested deeper than 64 levels');
    expect(() => jsonTool(cyclic)).toThrow('(or is cyclic)');
    expect(() => jsonTool(wide)).toThrow('more than 20000 values');
    expect(() => jsonTool(long)).toThrow('more than 1000000 characters');
  });

  it('refuses a description longer than 10 000 characters, for any tool', () => {
    const description = 'd'.repeat(10_001);

    expect(() => tool({ name: 'long', description, inputSchema: { type: 'object' }, execute: () => 1 })).toThrow(
      'the limit is 10000',
    );
    expect(() => tool({ name: 'long', description, execute: () => 1 })).toThrow(ConfigurationError);
  });
});

describe("what a JSON Schema tool's check leaves to the server", () => {
  it('never runs a pattern, patternProperties or format regex of the schema on the arguments', async () => {
    // `^(a+)+$` takes exponential time on a run of a's and one other character.
    const probe = jsonTool({
      type: 'object',
      properties: { name: { type: 'string', pattern: '^(a+)+$', format: 'email' }, when: { format: 'date' } },
      patternProperties: { '^(x+)+$': { type: 'number' } },
      additionalProperties: false,
      propertyNames: { pattern: '^(b+)+$' },
    });
    const name = `${'a'.repeat(40)}!`;

    await expect(probe.run({ name, when: 'soon', xxxxy: 'any', other: 1 })).resolves.toContain(name);
  });

  it('checks what is left, as JSON Schema would: additionalProperties false without patternProperties', async () => {
    const probe = jsonTool({ type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false });

    const error = await inputErrorOf(probe.run({ a: 'x', b: 1 }));
    expect(error.message).toContain('Unrecognized key: "b"');
  });

  it('follows local $ref into $defs (2020-12) and definitions (draft-07), recursive ones too', async () => {
    const probe = jsonTool({
      type: 'object',
      properties: { tree: { $ref: '#/$defs/node' }, point: { $ref: '#/definitions/point' } },
      $defs: { node: { type: 'object', properties: { children: { type: 'array', items: { $ref: '#/$defs/node' } } } } },
      definitions: { point: { type: 'object', properties: { x: { type: 'number' } }, required: ['x'] } },
    });

    await expect(probe.run({ tree: { children: [{ children: [] }] }, point: { x: 1 } })).resolves.toBeTypeOf('string');
    const error = await inputErrorOf(probe.run({ tree: { children: [{ children: 3 }] }, point: {} }));
    expect(error.issues.map((issue) => issue.path)).toEqual([
      ['tree', 'children', 0, 'children'],
      ['point', 'x'],
    ]);
  });

  it('never fetches a $ref to a URL, nor fails on one it cannot resolve: those check nothing', async () => {
    // Made synchronously: there is no moment at which anything could be fetched.
    const probe = jsonTool({
      type: 'object',
      properties: {
        remote: { $ref: 'http://127.0.0.1:9/schema.json' },
        missing: { $ref: '#/$defs/nowhere' },
        deep: { $ref: '#/properties/remote' },
      },
    });

    await expect(probe.run({ remote: 1, missing: 'x', deep: [] })).resolves.toBeTypeOf('string');
  });

  it('checks less where zod has no equivalent (not, if/then/else, dependentRequired), never more', async () => {
    const probe = jsonTool({
      type: 'object',
      properties: { a: { type: 'string', not: { const: 'x' } }, n: { type: 'number' } },
      if: { required: ['a'] },
      then: { required: ['n'] },
      dependentRequired: { a: ['n'] },
      unevaluatedProperties: false,
    });

    await expect(probe.run({ a: 'x' })).resolves.toBe('{"a":"x"}');
    await expect(probe.run({ a: 3 })).rejects.toThrow(ToolInputError);
  });

  it('leaves defaults to the server: the arguments reach execute as the model wrote them', async () => {
    const probe = jsonTool({ type: 'object', properties: { limit: { type: 'number', default: 10 } } });

    await expect(probe.run({})).resolves.toBe('{}');
  });

  it('builds a tool or throws ConfigurationError, never another error, for malformed keywords', async () => {
    const malformed: JsonSchema[] = [
      { type: 'object', properties: { a: { type: 'file' } } },
      { type: 'object', properties: { a: { type: [] } } },
      { type: 'object', properties: { a: { enum: 'abc' } } },
      { type: 'object', properties: { a: { enum: [{ x: 1 }] } } },
      { type: 'object', properties: { a: { const: [1] } } },
      { type: 'object', required: 'abc' },
      { type: 'object', properties: [] },
      { type: 'object', properties: { a: { type: 'number', multipleOf: 0 } } },
      { type: 'object', properties: { a: { type: 'array', items: 3, minItems: -1 } } },
      { type: 'object', properties: { a: { anyOf: [] } } },
      { type: 'object', properties: { a: { $ref: '#/$defs/%zz' } } },
      { type: 'object', properties: { a: { pattern: '(' } } },
      { type: 'object', $ref: '#' },
      { type: 'object', properties: { a: { type: 'object', patternProperties: { '(': {} } } } },
    ];

    for (const inputSchema of malformed) {
      const probe = jsonTool(inputSchema);
      const outcome = await probe.run({ a: 1 }).catch((error: unknown) => error);
      expect(typeof outcome === 'string' || ToolInputError.isInstance(outcome)).toBe(true);
    }
  });
});
