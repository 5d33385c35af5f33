import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readDevSet } from './dev-set.ts';

describe('readDevSet', () => {
  const made: string[] = [];
  const folder = (): string => {
    const directory = `${mkdtempSync(join(tmpdir(), 'dev-set-'))}/`;
    made.push(directory);
    return directory;
  };
  afterEach(() => {
    for (const directory of made.splice(0)) rmSync(directory, { recursive: true, force: true });
  });

  it('says where the set is expected when it is absent', () => {
    const directory = folder();
    expect(() => readDevSet(directory)).toThrow(/extraction development set is missing.*\.\.\/shared\/fixtures/);
  });

  it('reads each page of gold.json with its URL and bytes', () => {
    const directory = folder();
    mkdirSync(`${directory}pages`);
    writeFileSync(`${directory}pages/a.html`, '<p>hi</p>');
    writeFileSync(
      `${directory}gold.json`,
      JSON.stringify({ 'a.html': { url: 'https://a.test/', with: [], without: [] } }),
    );
    const [page] = readDevSet(directory);
    expect(page?.url).toBe('https://a.test/');
    expect(Buffer.from(page?.bytes ?? []).toString()).toBe('<p>hi</p>');
  });

  it('refuses a gold entry whose page is not there', () => {
    const directory = folder();
    mkdirSync(`${directory}pages`);
    writeFileSync(`${directory}gold.json`, JSON.stringify({ 'b.html': { url: 'https://b.test/' } }));
    expect(() => readDevSet(directory)).toThrow('gold.json names b.html');
  });
});
