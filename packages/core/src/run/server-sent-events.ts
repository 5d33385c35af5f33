import type { AgentEvent, CustomEvent } from './agent-events.ts';
import { ConfigurationError } from '../errors.ts';
import { checkOptionKeys } from './option-keys.ts';
import { openRunEvents } from './run-events-input.ts';
import { END_FRAME, eventFrame, KEEP_ALIVE_FRAME, RUN_RESULT_DETAILS, streamErrorFrame } from './server-sent-frames.ts';
import type { RunResultDetail } from './server-sent-frames.ts';

/** How a run is served as server-sent events (serverSentEvents and its siblings). */
export interface ServerSentEventsOptions {
  /**
   * After this many milliseconds without a frame, a `: keep-alive` comment goes out, so that proxies
   * and load balancers keep a quiet stream (a long tool call) open. Default 15 000; 0 sends none.
   */
  heartbeatMs?: number | undefined;
  /**
   * Fields of the RunResult that the `run-end` payload carries besides the others, which it always
   * does: `messages` (the transcript), `steps` (the step records), `snapshot` (a paused run, for
   * `agent.resume`). Left out by default: they are large, and the transcript holds the system prompt.
   */
  include?: readonly RunResultDetail[] | undefined;
}

/** The headers of a server-sent event stream, as every helper here sends them. */
export const SERVER_SENT_EVENTS_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  // nginx would otherwise hold the frames back in its buffer.
  'x-accel-buffering': 'no',
};

const DEFAULT_HEARTBEAT_MS = 15_000;
const OPTION_KEYS = ['heartbeatMs', 'include'];
const RESPONSE_INIT_KEYS = ['status', 'statusText', 'headers'];

/**
 * A run's events as a Web stream of server-sent events, for any server that takes a
 * `ReadableStream` body: each event as `event: <type>`, `id: <seq>` and `data: <the event as JSON>`
 * (see docs/streaming.md, "Serving a run over HTTP"), a `stream-error` frame if the events cannot
 * be read (the run could not start), and `event: end` last. Cancelling the stream (the client went
 * away) closes `events`, which aborts the run. Throws ConfigurationError for events that are not an
 * async iterable and for bad options.
 */
export function serverSentEvents(
  events: AsyncIterable<AgentEvent | CustomEvent>,
  options: ServerSentEventsOptions = {},
): ReadableStream<Uint8Array> {
  const settings = readServerSentEventsOptions(options, 'serverSentEvents');
  const frames = createFrameReader(events, settings.include, 'serverSentEvents');
  const encoder = new TextEncoder();
  let heartbeat: Heartbeat | undefined;
  let cancelled = false;
  return new ReadableStream<Uint8Array>(
    {
      pull: async (controller) => {
        // Started at the first read, not before: a stream nobody reads holds no timer.
        heartbeat ??= startHeartbeat(settings.heartbeatMs, () => {
          // A reader that is behind has frames waiting: a comment would only queue up behind them.
          if ((controller.desiredSize ?? 0) >= 0) controller.enqueue(encoder.encode(KEEP_ALIVE_FRAME));
        });
        const frame = await frames.next();
        if (cancelled) return;
        if (frame === undefined) {
          heartbeat.stop();
          controller.close();
          return;
        }
        heartbeat.sent();
        controller.enqueue(encoder.encode(frame));
      },
      cancel: async () => {
        cancelled = true;
        heartbeat?.stop();
        await frames.close();
      },
      // Nothing is read ahead: the run starts at the first read, and a reader that stops holds it back.
    },
    { highWaterMark: 0 },
  );
}

/**
 * A Web `Response` streaming a run's events as server-sent events (see serverSentEvents), with the
 * headers `content-type: text/event-stream; charset=utf-8`, `cache-control: no-cache` and
 * `x-accel-buffering: no`; `init` may set the status and add or replace headers, and takes the
 * ServerSentEventsOptions. For fetch-style handlers: `return serverSentEventsResponse(agent.stream(task, { deltas: true }))`.
 */
export function serverSentEventsResponse(
  events: AsyncIterable<AgentEvent | CustomEvent>,
  init: ResponseInit & ServerSentEventsOptions = {},
): Response {
  checkOptionKeys(init, [...RESPONSE_INIT_KEYS, ...OPTION_KEYS], 'serverSentEventsResponse');
  const { heartbeatMs, include, headers, ...responseInit } = init;
  const body = serverSentEvents(events, { heartbeatMs, include });
  const merged = new Headers(SERVER_SENT_EVENTS_HEADERS);
  new Headers(headers).forEach((value, name) => merged.set(name, value));
  return new Response(body, { ...responseInit, headers: merged });
}

/** ServerSentEventsOptions, checked, with their defaults. */
export interface ServerSentEventsSettings {
  heartbeatMs: number;
  include: ReadonlySet<RunResultDetail>;
}

/** Checks ServerSentEventsOptions for the helper `owner`: ConfigurationError for unknown keys and bad values. */
export function readServerSentEventsOptions(options: unknown, owner: string): ServerSentEventsSettings {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigurationError(`${owner}: options must be an object such as { heartbeatMs: 15000 }.`);
  }
  checkOptionKeys(options, OPTION_KEYS, owner);
  const { heartbeatMs = DEFAULT_HEARTBEAT_MS, include = [] } = options as ServerSentEventsOptions;
  if (typeof heartbeatMs !== 'number' || !Number.isFinite(heartbeatMs) || heartbeatMs < 0) {
    throw new ConfigurationError(
      `${owner}: heartbeatMs must be a number of milliseconds, or 0 for no heartbeat; got ${String(heartbeatMs)}.`,
    );
  }
  const accepted: readonly unknown[] = RUN_RESULT_DETAILS;
  if (!Array.isArray(include) || !include.every((detail: unknown) => accepted.includes(detail))) {
    throw new ConfigurationError(
      `${owner}: include must be a list of ${RUN_RESULT_DETAILS.map((detail) => `'${detail}'`).join(', ')}; ` +
        `got ${JSON.stringify(include)}.`,
    );
  }
  return { heartbeatMs, include: new Set(include) };
}

/** The frames of a run's events, one at a time; `close` stops early and aborts the run. */
export interface FrameReader {
  /** The next frame: each event's, `stream-error` if reading failed, then `end`; undefined after that. */
  next(): Promise<string | undefined>;
  /** Closes the events (aborting the run if it is still going) and waits for them; the same promise every time. */
  close(): Promise<void>;
}

/** Reads `events` as frames; throws ConfigurationError at once when they are not an async iterable. */
export function createFrameReader(events: unknown, include: ReadonlySet<RunResultDetail>, owner: string): FrameReader {
  const source = openRunEvents(events, owner);
  let state: 'reading' | 'ending' | 'done' = 'reading';
  // Set by close(), which may come while next() waits for an event: that event is then dropped.
  let closing: Promise<void> | undefined;
  const closed = (): boolean => closing !== undefined;
  return {
    next: async () => {
      if (state === 'done' || closed()) return undefined;
      if (state === 'ending') {
        state = 'done';
        return END_FRAME;
      }
      try {
        const next = await source.next();
        if (closed()) return undefined;
        if (next.done === true) {
          state = 'done';
          return END_FRAME;
        }
        return eventFrame(next.value, include);
      } catch (error) {
        if (closed()) return undefined;
        state = 'ending';
        return streamErrorFrame(error);
      }
    },
    close: () => {
      // The run's own error, if closing it fails, was already sent or is of no use to a client gone.
      closing ??= Promise.resolve(source.return?.()).then(
        () => undefined,
        () => undefined,
      );
      return closing;
    },
  };
}

/** Sends a keep-alive when the stream was silent for a whole interval. */
export interface Heartbeat {
  /** Something was sent: the stream is not silent. */
  sent(): void;
  stop(): void;
}

/** Starts the heartbeat of a stream; `intervalMs` 0 starts none. */
export function startHeartbeat(intervalMs: number, beat: () => void): Heartbeat {
  if (intervalMs === 0) return { sent: () => undefined, stop: () => undefined };
  let quiet = true;
  const timer = setInterval(() => {
    if (quiet) beat();
    quiet = true;
  }, intervalMs);
  // The stream's connection keeps the process alive while it matters; the timer alone never should.
  timer.unref();
  return {
    sent: () => {
      quiet = false;
    },
    stop: () => clearInterval(timer),
  };
}
