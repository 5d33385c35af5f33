import { describe, expect, it } from 'vitest';
import { SecretHoldback } from './secret-holdback.ts';

const KEY = 'sk-holdback-0123456789abcdef';
const TEXT = `The key is ${KEY}, do not share it.`;

// Every piece a consumer would see, for `text` cut at `cuts`.
function release(text: string, cuts: readonly number[], secrets: readonly string[] = [KEY]): string[] {
  const holdback = new SecretHoldback(secrets);
  const pieces: string[] = [];
  let start = 0;
  for (const cut of [...cuts, text.length]) {
    pieces.push(holdback.push(text.slice(start, cut)));
    start = cut;
  }
  pieces.push(holdback.flush());
  return pieces;
}

function halves(secret: string): string[] {
  const middle = Math.floor(secret.length / 2);
  return [secret.slice(0, middle), secret.slice(middle)];
}

describe('SecretHoldback', () => {
  it('never releases a key split in two pieces, at any split point, whole or in halves', () => {
    for (let cut = 0; cut <= TEXT.length; cut += 1) {
      const pieces = release(TEXT, [cut]);
      expect(pieces.join('')).toBe('The key is [redacted], do not share it.');
      for (const piece of pieces) {
        for (const half of halves(KEY)) expect(piece).not.toContain(half);
      }
    }
  });

  it('never releases a key streamed one character at a time', () => {
    const cuts = Array.from({ length: TEXT.length }, (_, index) => index);
    const pieces = release(TEXT, cuts);

    expect(pieces.join('')).toBe('The key is [redacted], do not share it.');
    expect(pieces.every((piece) => !piece.includes('sk-holdback'))).toBe(true);
  });

  it('releases a key that straddles the held tail whole, redacted', () => {
    const long = 'x'.repeat(40);
    const pieces = release(`${long}${KEY}${long}`, [40 + KEY.length - 2, 40 + KEY.length + 30]);

    expect(pieces.join('')).toBe(`${long}[redacted]${long}`);
  });

  it('holds back only a tail that could still begin a secret', () => {
    const holdback = new SecretHoldback([KEY]);

    expect(holdback.push('a'.repeat(100))).toBe('a'.repeat(100));
    expect(holdback.push('text sk-hold')).toBe('text ');
    expect(holdback.push('ing on')).toBe('sk-holding on');
    expect(holdback.push(' sk')).toBe(' ');
    expect(holdback.flush()).toBe('sk');
  });

  it('passes text through untouched when no secret is known', () => {
    const holdback = new SecretHoldback([]);

    expect(holdback.push('sk-')).toBe('sk-');
    expect(holdback.flush()).toBe('');
  });

  it('releases a key the text ends with only redacted', () => {
    expect(release(`ends with ${KEY}`, [14]).join('')).toBe('ends with [redacted]');
  });
});
