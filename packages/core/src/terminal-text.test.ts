import { describe, expect, it } from 'vitest';
import { escapeControls } from './terminal-text.ts';

describe('escapeControls', () => {
  it('shows C0, DEL and C1 controls as \\xNN and keeps newlines and tabs', () => {
    expect(escapeControls('a\x1b[2Jb\x00c\x7fd\x85e\tf\ng\r')).toBe('a\\x1B[2Jb\\x00c\\x7Fd\\x85e\tf\ng\\x0D');
  });

  it('returns text without controls as it is', () => {
    const text = 'plain text — with ünïcode and emoji 🎉';

    expect(escapeControls(text)).toBe(text);
  });
});
