import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readAllWebPages } from '@tinyagent/fixtures';

/** A running server of the fixture pages. */
export interface PageServer {
  /** Base URL; each page is at `<url>/<name>/`. */
  url: string;
  close(): Promise<void>;
}

/** Serves the fixture pages (`source.html`) from memory on 127.0.0.1 at a free port, as HTML in UTF-8. */
export async function startPageServer(): Promise<PageServer> {
  const pages = new Map((await readAllWebPages()).map((page) => [page.name, Buffer.from(page.source)]));
  const server = createServer((request, response) => {
    const name = (request.url ?? '').split('/')[1] ?? '';
    const body = pages.get(name);
    if (body === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('no such page');
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': body.byteLength });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
