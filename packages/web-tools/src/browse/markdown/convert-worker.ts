// The thread that turns HTML into markdown for web_browse. Conversion costs time in proportion to
// the page (seconds for megabytes of tiny elements), so it runs here, where it stalls no agent run.
import { parentPort } from 'node:worker_threads';
import { createMarkdownConverter } from './html-to-markdown.ts';
import type { MarkdownConverter } from './html-to-markdown.ts';
import type { ConvertReply, ConvertRequest } from './convert-pool.ts';

const converters = new Map<string, MarkdownConverter>();

function converterFor(keepImages: boolean, keepLinks: boolean): MarkdownConverter {
  const key = `${keepImages}/${keepLinks}`;
  let converter = converters.get(key);
  if (converter === undefined) {
    converter = createMarkdownConverter({ keepImages, keepLinks });
    converters.set(key, converter);
  }
  return converter;
}

parentPort?.on('message', ({ id, html, url, keepImages, keepLinks }: ConvertRequest) => {
  let reply: ConvertReply;
  try {
    reply = { id, ok: true, page: converterFor(keepImages, keepLinks)(html, url) };
  } catch (error) {
    reply = { id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(reply);
});
