// What a hostile or broken model can send, as fast-check arbitraries: arbitrary text, near-JSON,
// deep and huge JSON, wrong types in every field, thousands of tool calls, enormous arguments and
// unknown tools. Sizes are drawn from a few fixed values so that a run stays bounded in time.
import fc from 'fast-check';
import type { ChatResponse, FinishReason, ToolCall } from '@tinyagent/core';

/** Any JSON value, a few levels deep: what a wrong-typed field holds instead of the right type. */
export const junk: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 3 });

/** Mostly the right value, sometimes any JSON value in its place. */
export function wrongOr<T>(right: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 3, arbitrary: right }, { weight: 1, arbitrary: junk });
}

/** Nested arrays or objects `depth` levels deep, as JSON text. */
function deepJson(depth: number, kind: 'array' | 'object' = 'array'): string {
  return kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** A JSON string value of about `bytes` characters. */
function hugeJsonString(bytes: number): string {
  return JSON.stringify('x'.repeat(bytes));
}

const deep = fc
  .tuple(fc.constantFrom(100, 5_000, 100_000), fc.constantFrom('array' as const, 'object' as const))
  .map(([depth, kind]) => deepJson(depth, kind));

const huge = fc.constantFrom(100_000, 1_000_000, 4_000_000).map(hugeJsonString);

/** Valid JSON text turned into near-JSON: cut short, a character dropped, added or swapped. */
export function nearJson(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .tuple(valid, fc.nat(), fc.constantFrom('cut', 'drop', 'insert', 'quote'), fc.constantFrom('{', '}', '"', ',', ':'))
    .map(([text, position, mutation, character]) => {
      const at = text.length === 0 ? 0 : position % text.length;
      switch (mutation) {
        case 'cut':
          return text.slice(0, at);
        case 'drop':
          return text.slice(0, at) + text.slice(at + 1);
        case 'insert':
          return text.slice(0, at) + character + text.slice(at);
        case 'quote':
          return text.replaceAll('"', "'");
      }
    });
}

/** The fuzzed agents' tools (see fuzz-agents.ts); anything else is an unknown tool. */
export const toolName: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('get_weather', 'add', 'create_plan', 'update_plan', 'get_plan') },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 1, arbitrary: fc.constantFrom('', 'final_answer', '__proto__', 'constructor', 'x'.repeat(10_000)) },
);

const argumentObject = fc.oneof(
  fc.record({ city: wrongOr(fc.string({ maxLength: 20 })) }),
  fc.record({ a: wrongOr(fc.integer()), b: wrongOr(fc.integer()) }),
  fc.record(
    { goal: wrongOr(fc.string({ maxLength: 20 })), steps: wrongOr(fc.array(fc.string({ maxLength: 10 }))) },
    { requiredKeys: [] },
  ),
  fc.record({ plan_id: wrongOr(fc.constantFrom('plan_1', 'plan_2')), updates: junk }, { requiredKeys: [] }),
  fc.dictionary(fc.string({ maxLength: 10 }), junk, { maxKeys: 5 }),
);

/** A tool call's arguments as text: valid, near-JSON, not an object, deep, enormous or empty. */
export const argumentText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: argumentObject.map((value) => JSON.stringify(value)) },
  { weight: 2, arbitrary: nearJson(argumentObject.map((value) => JSON.stringify(value))) },
  { weight: 1, arbitrary: junk.map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 50 }) },
  { weight: 1, arbitrary: fc.constantFrom('', '{}', 'null', '[]') },
  { weight: 1, arbitrary: deep },
  { weight: 1, arbitrary: huge.map((text) => `{"city": ${text}}`) },
);

const jsonReplyObject = fc.oneof(
  fc.record(
    { scratchpad: wrongOr(fc.string({ maxLength: 40 })), tool: wrongOr(toolName), arguments: wrongOr(argumentObject) },
    { requiredKeys: [] },
  ),
  fc.record({ scratchpad: wrongOr(fc.string({ maxLength: 40 })), answer: junk }, { requiredKeys: [] }),
);

/** A JSON-protocol reply: arbitrary text, a reply object (wrong types included), near-JSON, fenced, deep or huge. */
export const jsonProtocolText: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 4, arbitrary: jsonReplyObject.map((value) => JSON.stringify(value)) },
  { weight: 2, arbitrary: nearJson(jsonReplyObject.map((value) => JSON.stringify(value))) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.string({ maxLength: 40 }), jsonReplyObject)
      .map(([prose, value]) => `${prose}\n\`\`\`json\n${JSON.stringify(value)}\n\`\`\`\n${prose}`),
  },
  { weight: 1, arbitrary: deep },
  { weight: 1, arbitrary: deep.map((text) => `{"answer": ${text}}`) },
  { weight: 1, arbitrary: huge.map((text) => `{"tool": "get_weather", "arguments": {"city": ${text}}}`) },
  { weight: 1, arbitrary: fc.constantFrom('{'.repeat(50_000), '{"tool": "add"'.repeat(10_000), '"'.repeat(100_000)) },
);

/** Code-agent reply text: arbitrary text, fenced code (valid calls, junk, unknown tools), deep or huge. */
export const codeText: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 200 }).map((code) => `\`\`\`js\n${code}\n\`\`\``) },
  {
    weight: 4,
    arbitrary: fc
      .tuple(toolName, junk, fc.boolean())
      .map(
        ([name, argument, answer]) =>
          `\`\`\`js\nconst r = ${name === '' ? 'x' : name}(${JSON.stringify(argument)});\n` +
          `${answer ? 'final_answer(r)' : 'console.log(r)'}\n\`\`\``,
      ),
  },
  { weight: 1, arbitrary: junk.map((value) => `\`\`\`js\nfinal_answer(${JSON.stringify(value)})\n\`\`\``) },
  { weight: 1, arbitrary: deep.map((text) => `\`\`\`js\nfinal_answer(${text})\n\`\`\``) },
  { weight: 1, arbitrary: huge.map((text) => `\`\`\`js\nconsole.log(${text})\n\`\`\``) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('```js\nwhile (true) {}\n```', '```\n'.repeat(10_000), '<code>'.repeat(10_000)),
  },
);

const toolCall: fc.Arbitrary<ToolCall> = fc.record({
  id: fc.oneof(fc.constant(''), fc.string({ maxLength: 12 })),
  name: toolName,
  arguments: argumentText,
});

/** The tool calls of one turn: none, a few, or thousands. */
const toolCalls: fc.Arbitrary<ToolCall[]> = fc.oneof(
  { weight: 4, arbitrary: fc.array(toolCall, { maxLength: 5 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(1_000, 3_000), toolName, argumentObject)
      .map(([count, name, args]) =>
        Array.from({ length: count }, (_, index) => ({ id: `c${index}`, name, arguments: JSON.stringify(args) })),
      ),
  },
);

const finishReason = fc.constantFrom<FinishReason>('stop', 'length', 'tool_calls', 'content_filter', 'unknown');

/** A well-typed ChatResponse with hostile content: what a model can say through a correct client. */
export function chatResponse(content: fc.Arbitrary<string>, withToolCalls: boolean): fc.Arbitrary<ChatResponse> {
  return fc.record({
    content: fc.option(content, { freq: 6 }),
    toolCalls: withToolCalls ? toolCalls : fc.constant([]),
    finishReason,
    usage: fc.option(fc.record({ inputTokens: fc.nat(), outputTokens: fc.nat(), totalTokens: fc.nat() }), {
      nil: undefined,
    }),
    model: fc.option(fc.string({ maxLength: 10 }), { nil: undefined }),
  });
}
