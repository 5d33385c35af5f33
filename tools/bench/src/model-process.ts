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

const model = await startFakeOpenAI({
  handler: (request) => decideReply(request.body),
  recordRequests: false,
  // With 2,000 runs in flight a contestant's process can fall seconds behind its replies; Node's
  // default 5 s idle limit then closed connections that the client was about to reuse, and hundreds
  // of runs of the heavier frameworks failed with "other side closed". An idle limit longer than any
  // bench run takes the server's housekeeping out of what is measured, for every contestant alike.
  keepAliveTimeoutMs: 60_000,
});
const stream = await startStreamServer();
const pages = await startPageServer();

process.once('disconnect', () => {
  void Promise.all([model.close(), stream.close(), pages.close()]).then(() => process.exit(0));
});
const ready: ModelProcessReady = { modelURL: model.url, streamURL: stream.url, pagesURL: pages.url };
process.send?.(ready);
