import { describe, expect, it } from 'vitest';
import { classifyContentType, sniffContent } from './content-type.ts';

describe('classifyContentType', () => {
  it.each([
    ['text/html; charset=utf-8', 'html'],
    ['application/xhtml+xml', 'html'],
    ['text/plain', 'text'],
    ['text/markdown', 'text'],
    ['text/csv', 'text'],
    ['application/json', 'text'],
    ['application/problem+json', 'text'],
    ['application/rss+xml', 'text'],
    ['application/pdf', 'unsupported'],
    ['image/png', 'unsupported'],
    ['application/zip', 'unsupported'],
    ['', 'unknown'],
    ['application/octet-stream', 'unknown'],
  ])('classifies %j as %s', (contentType, kind) => {
    expect(classifyContentType(contentType)).toBe(kind);
  });
});

describe('sniffContent', () => {
  it('recognises HTML, text and binary by their first bytes', () => {
    const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
    expect(sniffContent(encode('\n  <!DOCTYPE html><html>'))).toBe('html');
    expect(sniffContent(encode('<?xml version="1.0"?><feed>'))).toBe('text');
    expect(sniffContent(encode('just words'))).toBe('text');
    expect(sniffContent(new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x00]))).toBe('unsupported');
  });
});
