import { describe, expect, it } from 'vitest';
import { resultToJson, shortJson, stringifyResult } from './stringify.ts';

describe('stringifyResult', () => {
  it('returns strings as they are and null/undefined as "null"', () => {
    expect(stringifyResult('  as is "quoted" ')).toBe('  as is "quoted" ');
    expect(stringifyResult(null)).toBe('null');
    expect(stringifyResult(undefined)).toBe('null');
  });

  it('writes numbers, booleans and bigints as literals', () => {
    expect(stringifyResult(-1.5)).toBe('-1.5');
    expect(stringifyResult(false)).toBe('false');
    expect(stringifyResult(12345678901234567890n)).toBe('12345678901234567890');
  });

  it('writes a bigint inside an object as its digits instead of throwing', () => {
    expect(stringifyResult({ id: 9007199254740993n })).toBe('{"id":"9007199254740993"}');
  });

  it('writes a Map as an object and a Set as an array', () => {
    const value = {
      counts: new Map<string, number>([
        ['a', 1],
        ['b', 2],
      ]),
      tags: new Set(['x', 'y']),
    };

    expect(stringifyResult(value)).toBe('{"counts":{"a":1,"b":2},"tags":["x","y"]}');
    expect(stringifyResult(new Set([1, 2]))).toBe('[1,2]');
  });

  it('writes a Map with object keys as [key, value] pairs, not "[object Object]"', () => {
    const value = new Map([[{ id: 1 }, 'one']]);

    expect(stringifyResult(value)).toBe('[[{"id":1},"one"]]');
  });

  it('writes an error as name and message, alone or nested', () => {
    expect(stringifyResult(new TypeError('bad input'))).toBe('TypeError: bad input');
    expect(stringifyResult({ failure: new RangeError('too big') })).toBe('{"failure":"RangeError: too big"}');
  });

  it('drops undefined object fields and writes undefined array items as null', () => {
    expect(stringifyResult({ kept: 1, dropped: undefined, nested: { gone: undefined } })).toBe(
      '{"kept":1,"nested":{}}',
    );
    expect(stringifyResult([1, undefined, 3])).toBe('[1,null,3]');
  });

  it('writes dates as their ISO string', () => {
    const date = new Date('2024-02-29T10:20:30.000Z');

    expect(stringifyResult({ at: date })).toBe('{"at":"2024-02-29T10:20:30.000Z"}');
    expect(stringifyResult(date)).toBe('"2024-02-29T10:20:30.000Z"');
  });

  it('falls back to an inspected form for a cyclic object instead of throwing', () => {
    const node: Record<string, unknown> = { name: 'root' };
    node.self = node;

    const text = stringifyResult(node);

    expect(text).toContain("name: 'root'");
    expect(text).toContain('[Circular');
    expect(text).not.toContain('[object Object]');
  });

  it('writes "null" when toJSON returns undefined', () => {
    expect(stringifyResult({ toJSON: () => undefined })).toBe('null');
  });
});

describe('resultToJson', () => {
  it('writes the JSON stringifyResult writes for objects, so code gets back what a model reads', () => {
    const value = { when: new Map([[{ id: 1 }, 'one']]), failure: new TypeError('bad'), big: 7n, tags: new Set([1]) };

    expect(resultToJson(value)).toBe(stringifyResult(value));
    expect(JSON.parse(resultToJson(value) ?? '')).toEqual({
      when: [[{ id: 1 }, 'one']],
      failure: 'TypeError: bad',
      big: '7',
      tags: [1],
    });
  });

  it('gives undefined for values without a JSON form and throws for values JSON cannot hold, as JSON.stringify does', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;

    expect(resultToJson(undefined)).toBeUndefined();
    expect(resultToJson(() => 1)).toBeUndefined();
    expect(resultToJson({ toJSON: () => undefined })).toBeUndefined();
    expect(() => resultToJson(cyclic)).toThrow(TypeError);
  });
});

describe('shortJson', () => {
  it('quotes a value as JSON, cut with an ellipsis past the limit, and names what JSON cannot hold', () => {
    expect(shortJson({ a: 1 })).toBe('{"a":1}');
    expect(shortJson('x'.repeat(300))).toBe(`"${'x'.repeat(199)}…`);
    expect(shortJson([1, 2, 3], 4)).toBe('[1,2…');
    expect(shortJson(undefined)).toBe('undefined');
    expect(shortJson(() => 1)).toBe('function');
  });
});
