import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { redactSecrets, writeServerSentEvents, z } from '@tinyagent/core';
import type { RunResult } from '@tinyagent/core';
import type { ScriptedStreamOptions } from '@tinyagent/testing';
import { createChatAgent } from './chat-agent.ts';
import { createChatRuns } from './chat-runs.ts';
import type { ChatRun } from './chat-runs.ts';
import { readJsonBody, RequestError } from './request-body.ts';

/** Options of `startWebChat`. */
export interface WebChatOptions {
  /** Where the model comes from (`OPENAI_API_KEY`, `OPENAI_BASE_URL`, `TINYAGENT_MODEL`); neither key nor URL: offline. */
  env: Readonly<Record<string, string | undefined>>;
  /** Port on 127.0.0.1; 0 (the default) for any free one. */
  port?: number | undefined;
  /** How fast the scripted model streams offline (see DEFAULT_PACE). */
  pace?: ScriptedStreamOptions | undefined;
  /** Runs streaming at once; default 8. */
  maxActiveRuns?: number | undefined;
  /** Told how each run ended or paused (tests watch the server's side of a stop with it). */
  onRunEnd?: ((result: RunResult) => void) | undefined;
}

/** A running web chat server. */
export interface WebChat {
  /** `http://127.0.0.1:<port>/`. */
  url: string;
  offline: boolean;
  /** What the page shows about the model. */
  label: string;
  /** Runs streaming now (at most `maxActiveRuns`). */
  readonly activeRuns: number;
  /** Aborts every run and closes every connection. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const PAGE_FILES: Readonly<Record<string, { file: string; type: string }>> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/chat.js': { file: 'chat.js', type: 'text/javascript; charset=utf-8' },
  '/turn-view.js': { file: 'turn-view.js', type: 'text/javascript; charset=utf-8' },
  '/event-stream.js': { file: 'event-stream.js', type: 'text/javascript; charset=utf-8' },
  '/chat.css': { file: 'chat.css', type: 'text/css; charset=utf-8' },
};

// The page loads only its own files: no inline script, so a reply that slipped into the markup
// could still not run.
const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

const HistorySchema = z
  .array(z.object({ role: z.enum(['user', 'assistant']), content: z.string().max(8_000) }))
  .max(40);
const ChatBody = z.object({ question: z.string().trim().min(1).max(4_000), history: HistorySchema.default([]) });
const DecisionSchema = z.union([
  z.object({ approved: z.literal(true) }),
  z.object({ approved: z.literal(false), reason: z.string().max(500).optional() }),
]);
const ApprovalsBody = z.object({ approvals: z.record(z.string().max(200), DecisionSchema) });

const RUN_PATH = /^\/api\/runs\/([\w-]{1,100})\/(approvals|stop)$/;

/**
 * Starts the web chat on 127.0.0.1: the page, and a small JSON/SSE API over one ReactAgent.
 * `POST /api/chat` streams a new run's events, `POST /api/runs/<runId>/approvals` resumes a paused
 * run with the decisions and streams it on, `POST /api/runs/<runId>/stop` aborts a streaming run.
 */
export async function startWebChat(options: WebChatOptions): Promise<WebChat> {
  const { agent, offline, label } = await createChatAgent(options.env, options.pace);
  const runs = createChatRuns({
    agent,
    maxActiveRuns: options.maxActiveRuns ?? 8,
    pausedRuns: { maxRuns: 100, maxAgeMs: 30 * 60_000 },
    onRunEnd: options.onRunEnd,
  });
  const page = await loadPage();
  let origin = '';
  let hosts: readonly string[] = [];

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      const known = error instanceof RequestError;
      // Only our own messages reach the page; anything else stays on the server, summarised.
      if (!known) {
        const what = `${request.method ?? '?'} ${pathOf(request)}`;
        console.error(redactSecrets(`web chat: ${what} failed: ${String(error)}`));
      }
      if (response.headersSent) {
        response.end();
        return;
      }
      // A body left unread (too large, say) is not worth reading to keep the connection.
      if (!request.readableEnded) response.setHeader('Connection', 'close');
      sendJson(response, known ? error.status : 500, {
        error: known ? error.message : 'The server failed; its log says why.',
      });
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // Bound to loopback, but a page elsewhere could still reach it under another name (DNS rebinding).
    if (!hosts.includes(request.headers.host ?? ''))
      throw new RequestError(403, `This server answers only at ${origin}/.`);
    const url = new URL(request.url ?? '/', origin);
    const pageFile = PAGE_FILES[url.pathname];
    if (pageFile !== undefined) {
      allow(request, 'GET');
      response.writeHead(200, { 'Content-Type': pageFile.type, 'Cache-Control': 'no-store', ...SECURITY_HEADERS });
      response.end(page.get(pageFile.file));
      return;
    }
    if (url.pathname === '/api/info') {
      allow(request, 'GET');
      sendJson(response, 200, { offline, model: label });
      return;
    }
    if (url.pathname === '/api/chat') {
      allow(request, 'POST');
      const { question, history } = await readJsonBody(request, ChatBody);
      return stream(runs.start(question, history), response);
    }
    const [, runId = '', action] = RUN_PATH.exec(url.pathname) ?? [];
    if (action === 'approvals') {
      allow(request, 'POST');
      const { approvals } = await readJsonBody(request, ApprovalsBody);
      return stream(runs.resume(runId, approvals), response);
    }
    if (action === 'stop') {
      allow(request, 'POST');
      if (!runs.stop(runId)) throw new RequestError(404, `No run ${runId} is streaming.`);
      sendJson(response, 202, { stopping: runId });
      return;
    }
    throw new RequestError(404, `Nothing here: ${url.pathname}`);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  hosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  const close = async (): Promise<void> => {
    runs.stopAll();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    url: `${origin}/`,
    offline,
    label,
    get activeRuns() {
      return runs.active;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

// The paused run's snapshot stays on the server (the run-end frame leaves it out by default): the
// page sends back only its decisions. A page that goes away aborts its run.
async function stream(run: ChatRun, response: ServerResponse): Promise<void> {
  try {
    await writeServerSentEvents(run.events, response);
  } finally {
    run.release();
  }
}

// The path only: a query string is the client's to keep out of the server's log.
function pathOf(request: IncomingMessage): string {
  return (request.url ?? '?').split('?')[0] ?? '?';
}

function allow(request: IncomingMessage, method: 'GET' | 'POST'): void {
  if (request.method !== method) throw new RequestError(405, `Use ${method} here.`);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  response.end(JSON.stringify(body));
}

async function loadPage(): Promise<Map<string, string>> {
  const folder = new URL('./page/', import.meta.url);
  const files = Object.values(PAGE_FILES).map((entry) => entry.file);
  const texts = await Promise.all(files.map((file) => readFile(new URL(file, folder), 'utf8')));
  return new Map(files.map((file, index) => [file, texts[index] ?? '']));
}
