import { redactValue } from '@tinyagent/core';

/** What a JSON-protocol reply asks for: a final answer, a tool call, only a scratchpad note, or nothing usable. */
export type JsonAction =
  | { kind: 'answer'; answer: unknown; scratchpad: string | undefined }
  | { kind: 'tool'; tool: string; arguments: unknown; scratchpad: string | undefined }
  | { kind: 'scratchpad'; scratchpad: string }
  | { kind: 'invalid'; reason: string };

/**
 * The opening braces of a reply that may start its JSON object. Models wrap JSON in prose or fences;
 * looking for an object behind more of them is no longer a reply worth rescuing, and would let a
 * hostile reply cost quadratic time.
 */
export const MAX_CANDIDATES = 32;

/**
 * Reads a JSON-protocol reply: the first JSON object in the text (bare, in a ```json fence, or
 * surrounded by prose) and what it asks for. An `answer` wins over a `tool`; a null or blank answer
 * counts as no answer, since models often send `"answer": null` or `""` next to a tool call.
 */
export function readJsonReply(content: string | null): JsonAction {
  if (content === null || content.trim() === '') return { kind: 'invalid', reason: 'the reply was empty' };
  const found = findJsonObject(content);
  if (found === undefined) return { kind: 'invalid', reason: 'the reply was not a JSON object' };
  // Redacted once decoded: a key the model spelled with JSON escapes (\u0073k-…) is plain text only
  // now, and the answer, the tool's arguments and the scratchpad are all read from here.
  const object = redactValue(found);
  const scratchpad = typeof object.scratchpad === 'string' ? object.scratchpad : undefined;
  // A blank answer is no answer either: models fill in every key of the shapes they were shown, and
  // `"answer": ""` next to a tool call would otherwise end the run with nothing.
  const blankAnswer = typeof object.answer === 'string' && object.answer.trim() === '';
  if (object.answer !== undefined && object.answer !== null && !blankAnswer) {
    return { kind: 'answer', answer: object.answer, scratchpad };
  }
  if (typeof object.tool === 'string' && object.tool.trim() !== '') {
    return { kind: 'tool', tool: object.tool.trim(), arguments: object.arguments, scratchpad };
  }
  if (object.tool !== undefined && object.tool !== null) {
    return { kind: 'invalid', reason: '"tool" must be the name of a tool, as a string' };
  }
  if (scratchpad !== undefined && scratchpad.trim() !== '') return { kind: 'scratchpad', scratchpad };
  if (blankAnswer) return { kind: 'invalid', reason: 'the answer was empty' };
  return { kind: 'invalid', reason: 'the JSON object had neither "tool" nor "answer"' };
}

/**
 * The first JSON object in `text`, or undefined when there is none. An object that is a value inside
 * a malformed one (after a `:`, `,` or `[`) is never taken: it is that object's arguments or data,
 * and reading it as the reply would answer with a tool's argument or call another tool.
 */
export function findJsonObject(text: string): Record<string, unknown> | undefined {
  const whole = parseObject(text.trim());
  if (whole !== undefined) return whole;
  // Where the malformed objects tried so far end; an unclosed one runs to the end of the text.
  let malformedEnd = -1;
  let start = text.indexOf('{');
  for (let candidates = 0; start !== -1 && candidates < MAX_CANDIDATES; candidates += 1) {
    if (start > malformedEnd || !isValueInObject(text, start)) {
      const end = matchingBrace(text, start);
      const object = end === -1 ? undefined : parseObject(text.slice(start, end + 1));
      if (object !== undefined) return object;
      malformedEnd = Math.max(malformedEnd, end === -1 ? text.length : end);
    }
    start = text.indexOf('{', start + 1);
  }
  return undefined;
}

// Whether the brace at `start` opens a member value or a list item, by the character before it.
// Doubled braces (`{{"answer": ...}}`, as prompt templates escape them) are no value: that inner
// object is the reply.
function isValueInObject(text: string, start: number): boolean {
  let index = start - 1;
  while (index >= 0 && /\s/.test(text.charAt(index))) index -= 1;
  const before = text.charAt(index);
  return before === ':' || before === ',' || before === '[';
}

function parseObject(text: string): Record<string, unknown> | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

// The index of the brace closing the one at `start`, skipping braces inside JSON strings; -1 when
// the text ends first. Fences need no special case: the object inside them is found like any other.
function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index += 1) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
    } else if (char === '{') {
      depth += 1;
    } else if (char === '}') {
      depth -= 1;
      if (depth === 0) return index;
    }
  }
  return -1;
}
