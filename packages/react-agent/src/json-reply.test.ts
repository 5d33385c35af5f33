import { describe, expect, it } from 'vitest';
import { findJsonObject, readJsonReply } from './json-reply.ts';

describe('readJsonReply', () => {
  it('reads a tool call with its arguments and scratchpad', () => {
    expect(readJsonReply('{"scratchpad": "look it up", "tool": "search", "arguments": {"q": "tea"}}')).toEqual({
      kind: 'tool',
      tool: 'search',
      arguments: { q: 'tea' },
      scratchpad: 'look it up',
    });
  });

  it('reads an answer of any JSON type', () => {
    expect(readJsonReply('{"answer": "Paris"}')).toEqual({ kind: 'answer', answer: 'Paris', scratchpad: undefined });
    expect(readJsonReply('{"answer": [1, 2]}')).toMatchObject({ kind: 'answer', answer: [1, 2] });
    expect(readJsonReply('{"answer": 0}')).toMatchObject({ kind: 'answer', answer: 0 });
  });

  it('lets the answer win over a tool, and ignores a null answer', () => {
    expect(readJsonReply('{"tool": "search", "answer": "done"}')).toMatchObject({ kind: 'answer', answer: 'done' });
    expect(readJsonReply('{"tool": "search", "answer": null}')).toMatchObject({ kind: 'tool', tool: 'search' });
  });

  it('ignores an empty answer, as models send it next to a tool call', () => {
    expect(readJsonReply('{"tool": "search", "arguments": {"q": "tea"}, "answer": ""}')).toEqual({
      kind: 'tool',
      tool: 'search',
      arguments: { q: 'tea' },
      scratchpad: undefined,
    });
    expect(readJsonReply('{"scratchpad": "thinking...", "answer": " "}')).toEqual({
      kind: 'scratchpad',
      scratchpad: 'thinking...',
    });
  });

  it('reads a reply with only a scratchpad', () => {
    expect(readJsonReply('{"scratchpad": "thinking..."}')).toEqual({ kind: 'scratchpad', scratchpad: 'thinking...' });
  });

  it.each([
    [null, 'the reply was empty'],
    ['  \n', 'the reply was empty'],
    ['BAD_JSON', 'the reply was not a JSON object'],
    ['[1, 2]', 'the reply was not a JSON object'],
    ['"just a string"', 'the reply was not a JSON object'],
    ['{"answer": "unterminated', 'the reply was not a JSON object'],
    ['{}', 'the JSON object had neither "tool" nor "answer"'],
    ['{"scratchpad": "  "}', 'the JSON object had neither "tool" nor "answer"'],
    ['{"tool": 3}', '"tool" must be the name of a tool, as a string'],
    ['{"tool": ""}', '"tool" must be the name of a tool, as a string'],
    ['{"answer": ""}', 'the answer was empty'],
    ['{"answer": "\\n  "}', 'the answer was empty'],
  ])('calls %j invalid: %s', (content, reason) => {
    expect(readJsonReply(content)).toEqual({ kind: 'invalid', reason });
  });
});

describe('findJsonObject', () => {
  it('finds the object in a fence or in prose, with braces inside its strings', () => {
    const object = { answer: 'use {braces} and "quotes" and \\ slashes' };
    const json = JSON.stringify(object);
    expect(findJsonObject(`\`\`\`json\n${json}\n\`\`\``)).toEqual(object);
    expect(findJsonObject(`Sure. ${json} Anything else?`)).toEqual(object);
    expect(findJsonObject(`An {unclosed brace, then ${json}`)).toEqual(object);
  });

  it('takes the first of several objects', () => {
    expect(findJsonObject('{"tool": "a"} {"tool": "b"}')).toEqual({ tool: 'a' });
  });

  it.each([
    ['a trailing comma', '{"tool": "grade", "arguments": {"answer": "Paris"},}'],
    ['a missing closing brace', '{"tool": "describe_tool", "arguments": {"tool": "add"}'],
    ['a comment', '{"tool": "grade", // check it\n "arguments": {"answer": "Paris"}}'],
    ['an object in a list', '{"results": [{"answer": "Paris"}], oops}'],
  ])('never takes an object nested in a malformed one for the reply: %s', (_case, text) => {
    // The nested object is the malformed one's value, not the model's action: reading it would end
    // the run with a tool's argument as the answer, or call another tool.
    expect(findJsonObject(text)).toBeUndefined();
    expect(readJsonReply(text)).toEqual({ kind: 'invalid', reason: 'the reply was not a JSON object' });
  });

  it('still finds an object behind doubled braces or a stray one', () => {
    expect(findJsonObject('{{"answer": "doubled"}}')).toEqual({ answer: 'doubled' });
    expect(findJsonObject('Here {"answer": "x"} is {not json}: {"answer": "after"}')).toEqual({ answer: 'x' });
    expect(findJsonObject('Result: {see below} {"answer": "after"}')).toEqual({ answer: 'after' });
  });

  it('gives up on text with only broken objects', () => {
    expect(findJsonObject('{not json} and {"also": broken}')).toBeUndefined();
    expect(findJsonObject('{'.repeat(10_000))).toBeUndefined();
  });
});
