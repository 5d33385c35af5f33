import { describe, expect, it } from 'vitest';
import { echoMessage, echoProblem, expectedEcho, textOfResult } from './mcp-echo.ts';

describe('echoMessage', () => {
  it('gives every call a message of its own', () => {
    expect(echoMessage(1)).not.toBe(echoMessage(2));
  });
});

describe('textOfResult', () => {
  it('joins the text blocks of a tools/call result', () => {
    const result = { content: [{ type: 'text', text: 'Echo: a' }, { type: 'image' }, { type: 'text', text: 'b' }] };
    expect(textOfResult(result)).toBe('Echo: a\nb');
  });

  it('is undefined for a result without text or of another shape', () => {
    expect(textOfResult({ content: [{ type: 'image', data: 'AAAA' }] })).toBeUndefined();
    expect(textOfResult({ content: 'Echo: a' })).toBeUndefined();
    expect(textOfResult('Echo: a')).toBeUndefined();
    expect(textOfResult(null)).toBeUndefined();
  });
});

describe('echoProblem', () => {
  it('accepts the echo of the message sent', () => {
    expect(echoProblem('hi', expectedEcho('hi'))).toBeUndefined();
  });

  it("names what was expected and what came back when the text is another call's or missing", () => {
    expect(echoProblem('hi', 'Echo: ho')).toBe('expected "Echo: hi", got "Echo: ho"');
    expect(echoProblem('hi', undefined)).toBe('expected "Echo: hi", got undefined');
  });
});
