import { describe, expect, it } from 'vitest';
import { ConfigurationError, ToolInputError } from '../errors.ts';
import { tool } from './tool.ts';

// Seeded, so a failure replays: schemas as a careless or hostile server might write them.
function createRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

const KEYWORDS = [
  ...['type', 'enum', 'const', 'anyOf', 'oneOf', 'allOf', 'not', 'properties', 'required', 'additionalProperties'],
  ...['patternProperties', 'propertyNames', 'minProperties', 'maxProperties', 'items', 'prefixItems'],
  ...['additionalItems', 'contains', 'minItems', 'maxItems', 'uniqueItems', 'minContains', 'maxContains'],
  ...['minLength', 'maxLength', 'pattern', 'format', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'],
  ...['multipleOf', '$ref', '$defs', 'definitions', 'default', 'if', 'then', 'else', 'nullable', 'readOnly', 'id'],
];
const LEAVES = [0, -1, 1.5, 1e300, 'object', 'string', 'array', 'integer', 'null', '#', '#/$defs/a', 'http://x', '('];

function randomSchema(random: () => number, depth: number): Record<string, unknown> {
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  const value = (level: number): unknown => {
    const roll = random();
    if (level > 4 || roll < 0.3) return pick<unknown>([...LEAVES, true, false, null]);
    if (roll < 0.5) return Array.from({ length: Math.floor(random() * 4) }, () => value(level + 1));
    return roll < 0.75 ? randomSchema(random, level + 1) : { a: randomSchema(random, level + 1), b: value(level + 1) };
  };
  const schema: Record<string, unknown> = {};
  const size = Math.floor(random() * 5);
  for (let index = 0; index < size; index += 1) schema[pick(KEYWORDS)] = value(depth);
  return schema;
}

describe('tools made from malformed JSON Schemas', () => {
  it('are built or refused with ConfigurationError, and check arguments or refuse them with ToolInputError', async () => {
    const random = createRandom(17);
    for (let round = 0; round < 500; round += 1) {
      const inputSchema = {
        ...randomSchema(random, 0),
        type: 'object',
        $defs: { a: randomSchema(random, 1) },
        definitions: { b: randomSchema(random, 1) },
      };
      let probe;
      try {
        probe = tool({ name: 'probe', description: 'Fuzzed.', inputSchema, execute: () => 'ran' });
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigurationError);
        continue;
      }
      for (const args of [{}, { a: 1 }, { a: 'x', b: [1, 2] }, { a: { a: {} } }]) {
        const outcome = await probe.run(args).catch((error: unknown) => error);
        if (outcome !== 'ran') expect(ToolInputError.isInstance(outcome), JSON.stringify(inputSchema)).toBe(true);
      }
    }
  });
});
