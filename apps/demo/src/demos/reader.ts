import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ReactAgent } from '@tinyagent/react-agent';
import { createWebBrowse, webBrowse } from '@tinyagent/web-tools';
import type { Demo } from '../demo.ts';
import { jsonProtocolBrain } from '../scripted-brains.ts';

const PAGE = new URL('../../pages/lighthouse.html', import.meta.url);

// Offline, the scripted brain reads the page the real tool fetched and quotes it; it does not
// pretend to summarise.
const brain = jsonProtocolBrain([
  {
    question: 'Summarise the page at',
    turns: [
      (_, question) => ({
        thought: 'Fetch the page first.',
        tool: 'web_browse',
        arguments: { url: /https?:\/\/\S+/.exec(question)?.[0] ?? '' },
      }),
      (seen) => ({ thought: 'Quote the start of the page.', answer: quoteStart(seen[0] ?? '') }),
    ],
  },
]);

function quoteStart(markdown: string): string {
  if (markdown.startsWith('Error')) return `(scripted model) The page could not be read: ${markdown}`;
  const lines = markdown.split('\n').filter((line) => line.trim() !== '');
  const titleLine = lines.find((line) => line.startsWith('Title:')) ?? lines.find((line) => line.startsWith('#'));
  const title = titleLine?.replace(/^(Title:|#+)\s*/, '') ?? '(untitled)';
  const paragraph =
    lines.find((line) => !/^(Title|URL):/.test(line) && !line.startsWith('#') && line.length > 80) ?? '';
  const opening = paragraph
    .split(/(?<=\.)\s/)
    .slice(0, 2)
    .join(' ');
  return `(scripted model: a quotation, not a summary) "${title}" — ${opening}`;
}

/** Serves the demo's own article on 127.0.0.1, for offline runs and runs without a URL. */
async function serveLocalPage(): Promise<{ url: string; close: () => Promise<void> }> {
  const html = await readFile(PAGE);
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/lighthouse`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The seed's reader demo: a ReactAgent with web_browse summarising a page given by URL. */
export const readerDemo: Demo = {
  name: 'reader',
  summary: 'ReactAgent with web_browse summarising a web page (offline: a page the demo serves itself)',
  interactive: false,
  brain,
  async run(session, model, args) {
    const given = args[0];
    const local = given === undefined || session.provider.offline ? await serveLocalPage() : undefined;
    try {
      if (given !== undefined && local !== undefined)
        session.say(`offline: reading the demo's own page instead of ${given}`);
      // The SSRF guard stays on for real URLs; only the demo's own loopback page needs it off.
      const browse = local === undefined ? webBrowse : createWebBrowse({ allowPrivateNetwork: true });
      const agent = new ReactAgent({ ...model, tools: [browse], temperature: 0 });
      await session.ask(agent, `Summarise the page at ${local?.url ?? given ?? ''} in three sentences.`);
    } finally {
      await local?.close();
    }
  },
};
