import { createRunScope } from '@tinyagent/core';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { TIDE_POOLS_PAGE as PAGE, loopbackBrowser as browser, send, useTestServers } from '../test-server.ts';

// What web_browse makes of the bodies servers send: encodings, sizes, types, charsets, long pages.

const serve = useTestServers();

describe('web_browse on long pages', () => {
  const paragraphs = Array.from(
    { length: 40 },
    (_, index) => `Paragraph ${index + 1}. ${'Lorem ipsum dolor sit amet. '.repeat(8)}`,
  );

  it('cuts at a paragraph boundary, says how much is left and how to read on, and serves the next part from the run', async () => {
    const { url, requests } = await serve((_request, response) =>
      send(response, 'text/plain', paragraphs.join('\n\n')),
    );
    const tool = browser({ maxChars: 2000 });
    const run = createRunScope();
    const [header, body, notice] = splitResult(await tool.run({ url }, { run }));
    expect(header).toBe(`URL: ${url}/`);
    expect(body.length).toBeLessThanOrEqual(2000);
    const lastShown = Number([...body.matchAll(/Paragraph (\d+)\./g)].at(-1)?.[1]);
    expect(body.endsWith('Lorem ipsum dolor sit amet.')).toBe(true);
    expect(notice).toMatch(
      /^\[Cut here: \d+ of the page's \d+ characters are not shown\. To read on, call web_browse again with the same url and offset \d+\.\]$/,
    );
    const offset = Number(/offset (\d+)\.\]$/.exec(notice)?.[1]);
    const second = await tool.run({ url, offset }, { run });
    expect(second).toMatch(
      new RegExp(`^URL: ${url}/\\nPart: characters ${offset} to \\d+ of \\d+\\n\\nParagraph ${lastShown + 1}\\. `),
    );
    expect(requests).toHaveLength(1);
  });

  it('refuses an offset past the end of the page', async () => {
    const { url } = await serve((_request, response) => send(response, 'text/plain', 'short'));
    expect(await browser().run({ url, offset: 10_000 })).toBe(
      'Error: offset 10000 is past the end of the page, which has 5 characters.',
    );
  });
});

function splitResult(result: string): [string, string, string] {
  const headerEnd = result.indexOf('\n\n');
  const noticeStart = result.lastIndexOf('\n\n[Cut here');
  return [result.slice(0, headerEnd), result.slice(headerEnd + 2, noticeStart), result.slice(noticeStart + 2)];
}

describe('web_browse bodies', () => {
  it('reads a gzip-encoded page', async () => {
    const { url } = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' });
      response.end(gzipSync(PAGE));
    });
    expect(await browser().run({ url })).toContain('Tide pools are rocky pools on the seashore');
  });

  it('cuts a body bigger than maxBytes while streaming, and says so', async () => {
    const { url } = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      const line = `${'x'.repeat(1023)}\n`;
      for (let index = 0; index < 3 * 1024; index += 1) response.write(line);
      response.end();
    });
    const result = await browser({ maxBytes: 1024 * 1024, maxChars: 2000 }).run({ url });
    expect(result).toContain(
      '[The page is larger than 1 MB: only its first 1 MB were read, so the end of the page is missing.]',
    );
    expect(result).toMatch(/of the page's 1048\d{3} characters are not shown/);
  });

  it('caps a compression bomb on its decompressed size', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 'a'));
    expect(bomb.byteLength).toBeLessThan(128 * 1024);
    const { url } = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
      response.end(bomb);
    });
    const result = await browser({ maxBytes: 256 * 1024, maxChars: 1000 }).run({ url });
    expect(result).toContain('[The page is larger than 256 KB: only its first 256 KB were read');
  });

  it('passes plain text, markdown and JSON through as they are', async () => {
    const bodies: Record<string, [string, string]> = {
      '/notes.txt': ['text/plain; charset=utf-8', 'Plain *text* stays as it is.'],
      '/readme.md': ['text/markdown', '# Title\n\n- item'],
      '/data.json': ['application/json', '{"answer":42}'],
    };
    const { url } = await serve((request, response) => {
      const [type, body] = bodies[request.url ?? ''] ?? ['text/plain', ''];
      send(response, type, body);
    });
    for (const [path, [, body]] of Object.entries(bodies)) {
      expect(await browser().run({ url: `${url}${path}` })).toBe(`URL: ${url}${path}\n\n${body}`);
    }
  });

  it('refuses binary content types, naming the type, without reading the body', async () => {
    const { url } = await serve((request, response) => {
      const type = request.url === '/paper.pdf' ? 'application/pdf' : 'image/png';
      send(response, type, Buffer.alloc(1024 * 1024));
    });
    expect(await browser().run({ url: `${url}/paper.pdf` })).toBe(
      `Error: ${url}/paper.pdf is application/pdf content, which web_browse cannot read: it reads HTML, plain text, markdown, JSON and XML.`,
    );
    expect(await browser().run({ url: `${url}/logo.png` })).toMatch(
      /is image\/png content, which web_browse cannot read/,
    );
  });

  it('decides a body without a content type by its first bytes', async () => {
    const { url } = await serve((request, response) => {
      response.writeHead(200);
      response.end(request.url === '/page' ? PAGE : Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]));
    });
    expect(await browser().run({ url: `${url}/page` })).toContain('Title: Tide pools');
    expect(await browser().run({ url: `${url}/blob` })).toBe(
      `Error: ${url}/blob is binary content, which web_browse cannot read: it reads HTML, plain text, markdown, JSON and XML.`,
    );
  });

  it('decodes pages in legacy charsets, from the Content-Type or from <meta charset>', async () => {
    const cyrillic = new Uint8Array([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2, 0x2c, 0x20, 0xec, 0xe8, 0xf0]); // windows-1251
    const japanese = new Uint8Array([0x82, 0xb1, 0x82, 0xf1, 0x82, 0xc9, 0x82, 0xbf, 0x82, 0xcd]); // Shift_JIS
    const { url } = await serve((request, response) => {
      if (request.url === '/ru') {
        send(response, 'text/plain; charset=windows-1251', cyrillic);
      } else {
        const html = Buffer.concat([
          Buffer.from('<html><head><meta charset="shift_jis"><title>jp</title></head><body><p>'),
          japanese,
          Buffer.from('</p></body></html>'),
        ]);
        send(response, 'text/html', html);
      }
    });
    expect(await browser().run({ url: `${url}/ru` })).toBe(`URL: ${url}/ru\n\nПривет, мир`);
    expect(await browser().run({ url: `${url}/jp` })).toContain('こんにちは');
  });

  it('reports an empty page and a page without readable text differently', async () => {
    const { url } = await serve((request, response) => {
      if (request.url === '/empty') send(response, 'text/html', '');
      else
        send(
          response,
          'text/html',
          '<html><head><title>App</title></head><body><div id="root"></div><script>render()</script></body></html>',
        );
    });
    expect(await browser().run({ url: `${url}/empty` })).toBe(
      `Error: ${url}/empty returned an empty page (HTTP 200, no content).`,
    );
    expect(await browser().run({ url: `${url}/app` })).toBe(
      `Error: ${url}/app has no readable text (its content may be drawn by JavaScript, which web_browse does not run).`,
    );
  });
});
