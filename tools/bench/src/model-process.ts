// Entry of the fake model's own process: the OpenAI-compatible server answering every contestant
// (see scenario.ts), the streaming server of the streaming measurements (stream-server.ts), and the
// fixture pages for web_browse. In a process of its own, its CPU never
// counts against the contestants. It stops when its parent disconnects.
import { startFakeOpenAI } from '@tinyagent/testing';
import { startPageServer } from './page-server.ts';
import { decideReply } from './scenario.ts';
import { startStreamServer } from './stream-server.ts';

/** What the process sends its parent once both servers listen. */
export interface ModelProcessReady {
  modelURL: string;
  streamURL: string;
  pagesURL: string;
}

const model = await startFakeOpenAI({ handler: (request) => decideReply(request.body), recordRequests: false });
const stream = await startStreamServer();
const pages = await startPageServer();

process.once('disconnect', () => {
  void Promise.all([model.close(), stream.close(), pages.close()]).then(() => process.exit(0));
});
const ready: ModelProcessReady = { modelURL: model.url, streamURL: stream.url, pagesURL: pages.url };
process.send?.(ready);
