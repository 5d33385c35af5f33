import type { AgentEvent, CustomEvent } from './agent-events.ts';
import type { ServerResponse } from 'node:http';
import { ConfigurationError } from '../errors.ts';
import { getLogger } from '../logger.ts';
import { redactSecrets } from '../secrets.ts';
import { describeThrown } from '../tools/stringify.ts';
import { KEEP_ALIVE_FRAME } from './server-sent-frames.ts';
import {
  createFrameReader,
  readServerSentEventsOptions,
  SERVER_SENT_EVENTS_HEADERS,
  startHeartbeat,
} from './server-sent-events.ts';
import type { FrameReader, ServerSentEventsOptions } from './server-sent-events.ts';

/**
 * Writes a run's events to a node `http.ServerResponse` as server-sent events, the same frames as
 * serverSentEvents: the headers first (`content-type: text/event-stream; charset=utf-8`,
 * `cache-control: no-cache`, `x-accel-buffering: no`, unless the response already has them), then
 * each frame as the client reads it (a full socket buffer holds the run's events back until it
 * drains), and `event: end`. A client that disconnects first aborts the run. Resolves when the run
 * has settled and the response has ended; never rejects, so a handler may leave it unawaited:
 * `http.createServer((request, response) => writeServerSentEvents(agent.stream(task, { deltas: true }), response))`.
 * Throws ConfigurationError at once for events that are not an async iterable, a response that is
 * not a ServerResponse, and bad options.
 */
export function writeServerSentEvents(
  events: AsyncIterable<AgentEvent | CustomEvent>,
  response: ServerResponse,
  options: ServerSentEventsOptions = {},
): Promise<void> {
  const settings = readServerSentEventsOptions(options, 'writeServerSentEvents');
  if (!isServerResponse(response)) {
    throw new ConfigurationError(
      'writeServerSentEvents writes to the response of a node http request handler: pass the `response` of ' +
        '(request, response) => …. For a fetch-style handler, return serverSentEventsResponse(events) instead.',
    );
  }
  const frames = createFrameReader(events, settings.include, 'writeServerSentEvents');
  return writeFrames(frames, response, settings.heartbeatMs).catch((error: unknown) => {
    // Not expected (every step above settles on its own), but a handler leaves this promise alone.
    getLogger().warn(`writeServerSentEvents failed: ${redactSecrets(describeThrown(error))}`);
    response.destroy();
  });
}

async function writeFrames(frames: FrameReader, response: ServerResponse, heartbeatMs: number): Promise<void> {
  // A client that left before the handler got here: the run is not even started.
  if (response.destroyed) {
    await frames.close();
    return;
  }
  for (const [name, value] of Object.entries(SERVER_SENT_EVENTS_HEADERS)) {
    if (!response.headersSent && !response.hasHeader(name)) response.setHeader(name, value);
  }
  if (!response.headersSent) response.flushHeaders();
  // An object, not variables: the listeners change it between awaits.
  const connection = { gone: false, finished: false };
  const leave = (): void => {
    if (connection.finished) return;
    connection.gone = true;
    // At once, not when the next event comes: the run may be in a long tool call.
    void frames.close();
  };
  response.once('close', leave);
  // A socket error is the client gone; listened to, it cannot crash the process.
  response.on('error', leave);
  const heartbeat = startHeartbeat(heartbeatMs, () => {
    if (!response.destroyed && !response.writableNeedDrain) response.write(KEEP_ALIVE_FRAME);
  });
  try {
    for (let frame = await frames.next(); frame !== undefined && !connection.gone; frame = await frames.next()) {
      heartbeat.sent();
      if (!response.write(frame)) await drained(response);
    }
  } finally {
    connection.finished = true;
    heartbeat.stop();
    response.off('close', leave);
    await frames.close();
    if (!connection.gone && !response.writableEnded) response.end();
  }
}

// Waits until the response can take more, or is gone.
function drained(response: ServerResponse): Promise<void> {
  if (response.destroyed || response.writableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

function isServerResponse(value: unknown): value is ServerResponse {
  if (typeof value !== 'object' || value === null) return false;
  const response = value as Partial<ServerResponse>;
  return (
    typeof response.write === 'function' &&
    typeof response.setHeader === 'function' &&
    typeof response.hasHeader === 'function' &&
    typeof response.flushHeaders === 'function' &&
    typeof response.once === 'function'
  );
}
