import type { CallToolResult } from '@modelcontextprotocol/client';
import { registerSecret } from '@tinyagent/core';
import { describe, expect, it } from 'vitest';
import { MAX_ERROR_CHARS, MAX_RESULT_CHARS, resultForModel } from './tool-result.ts';

const text = (value: string) => ({ type: 'text' as const, text: value });

describe('resultForModel', () => {
  it('joins the text blocks', () => {
    expect(resultForModel({ content: [text('one'), text('two')] }, false)).toBe('one\ntwo');
  });

  it('returns the structured content only when the tool declares an output schema', () => {
    const result: CallToolResult = { content: [text('{"a":1}')], structuredContent: { a: 1 } };
    expect(resultForModel(result, true)).toEqual({ a: 1 });
    expect(resultForModel(result, false)).toBe('{"a":1}');
  });

  it('throws the server text of an isError result, cut to its bound', () => {
    expect(() => resultForModel({ content: [text('no such file')], isError: true }, false)).toThrow(/^no such file$/);
    expect(() => resultForModel({ content: [], isError: true }, false)).toThrow('without a message');
    let message = '';
    try {
      resultForModel({ content: [text('e'.repeat(10_000))], isError: true }, false);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^e+ \[\.\.\. \d+ more characters cut\]$/);
    expect(message.length).toBeLessThan(MAX_ERROR_CHARS + 60);
  });

  it('describes audio and blobs by type and size, never by their base64', () => {
    const data = Buffer.alloc(3_000).toString('base64');
    const result = resultForModel(
      {
        content: [
          { type: 'audio', data, mimeType: 'audio/wav' },
          { type: 'resource', resource: { uri: 'file:///a.bin', blob: data, mimeType: 'application/octet-stream' } },
        ],
      },
      false,
    );
    expect(result).toBe('[audio: audio/wav, 2.9 KB]\n[resource: <file:///a.bin>, application/octet-stream, 2.9 KB]');
  });

  it('cuts a long text, redacting secrets before the cut', () => {
    registerSecret('result-secret-abcdef123456');
    const long = `${'a'.repeat(MAX_RESULT_CHARS - 10)}result-secret-abcdef123456${'b'.repeat(100)}`;
    const result = resultForModel({ content: [text(long)] }, false) as string;
    expect(result).not.toContain('result-secret');
    expect(result).toMatch(/\[\.\.\. \d+ more characters cut\]$/);
  });

  it('falls back to the text when the structured content is too big to pass on', () => {
    const big = { data: 'x'.repeat(MAX_RESULT_CHARS) };
    expect(resultForModel({ content: [text('summary')], structuredContent: big }, true)).toBe('summary');
  });
});
