import { readAllWebPages, startLoopbackServer } from '@tinyagent/fixtures';
import type { LoopbackServer } from '@tinyagent/fixtures';

/**
 * Serves the fixture pages (`source.html`) from memory on 127.0.0.1 at a free port, as HTML in
 * UTF-8; each page is at `<url>/<name>/`.
 */
export async function startPageServer(): Promise<LoopbackServer> {
  const pages = new Map((await readAllWebPages()).map((page) => [page.name, Buffer.from(page.source)]));
  return startLoopbackServer((request, response) => {
    const name = (request.url ?? '').split('/')[1] ?? '';
    const body = pages.get(name);
    if (body === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('no such page');
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': body.byteLength });
    response.end(body);
  });
}
