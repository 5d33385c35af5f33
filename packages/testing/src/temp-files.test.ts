import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tempFiles } from './temp-files.ts';

describe('tempFiles', () => {
  it('writes files into a fresh folder and deletes it when disposed', () => {
    let folder: string;
    {
      using files = tempFiles('temp-files-test-');
      folder = files.folder;
      const path = files.write('prompt.md', 'Answer with {tools}.');

      expect(readFileSync(path, 'utf8')).toBe('Answer with {tools}.');
      expect(path.startsWith(folder)).toBe(true);
    }

    expect(existsSync(folder)).toBe(false);
  });

  it('refuses a name that would write outside the folder', () => {
    using files = tempFiles();

    for (const name of ['../escape.md', 'sub/file.md', '..', '']) {
      expect(() => files.write(name, 'x')).toThrow(/not a plain file name/);
    }
  });

  it('gives every call a folder of its own', () => {
    using first = tempFiles();
    using second = tempFiles();

    expect(first.folder).not.toBe(second.folder);
  });
});
