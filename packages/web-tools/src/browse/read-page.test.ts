import { describe, expect, it } from 'vitest';
import type { OpenedPage } from '../fetch-page.ts';
import { readPage } from './read-page.ts';
import { WebToolError } from '../web-tool-error.ts';

// readPage on responses built in memory: the HTTP side is covered against real servers in
// web-browse*.test.ts; these are the branches no real server reaches easily.

function openedPage(body: string, contentType = 'text/html'): OpenedPage {
  return {
    url: 'https://example.com/page',
    status: 200,
    statusText: 'OK',
    contentType,
    headers: { 'content-type': contentType },
    read: () => Promise.resolve({ bytes: new TextEncoder().encode(body), truncated: false }),
    discard: () => undefined,
  };
}

describe('readPage', () => {
  it('turns a failed conversion into an error the model can read', async () => {
    const failing = readPage(openedPage('<p>x</p>'), 1000, () =>
      Promise.reject(new RangeError('Maximum call stack size exceeded')),
    );
    await expect(failing).rejects.toBeInstanceOf(WebToolError);
    await expect(failing).rejects.toThrow(
      'https://example.com/page could not be converted to markdown (Maximum call stack size exceeded)',
    );
  });

  it('refuses a text body that is only whitespace', async () => {
    await expect(
      readPage(openedPage(' \n\t ', 'text/plain'), 1000, () =>
        Promise.resolve({ title: undefined, markdown: '', extraction: 'article' as const }),
      ),
    ).rejects.toThrow('https://example.com/page returned a page that is only whitespace');
  });
});
