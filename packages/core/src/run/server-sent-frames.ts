// The text of the server-sent events a run is served as: one frame per event, its payload the event
// made JSON-safe. Shared by the Web stream and the node response, which differ only in how they write.
import type { AgentEvent, CustomEvent, RunEndEvent } from './agent-events.ts';
import type { RunResult } from './run-result.ts';
import { secretRedactor } from '../secrets.ts';
import { describeThrown } from '../tools/stringify.ts';

/** A field of the RunResult that `run-end` leaves out unless asked: large, or (the snapshot) the whole run. */
export type RunResultDetail = 'messages' | 'steps' | 'snapshot';

/** Every RunResultDetail, as `include` accepts them. */
export const RUN_RESULT_DETAILS: readonly RunResultDetail[] = ['messages', 'steps', 'snapshot'];

/** An Error as a payload carries it: what a client may read, never the stack or the error's own fields. */
export interface ErrorPayload {
  name: string;
  message: string;
  /** TinyAgent's error code (`model_call`, `run_aborted`…), or a system error's (`ECONNRESET`). */
  code?: string;
}

/** The comment sent when the stream has been silent for the heartbeat's interval: proxies keep the line open. */
export const KEEP_ALIVE_FRAME = ': keep-alive\n\n';

/** The last frame of every stream, after `run-end` (or `stream-error`): the client may close. */
export const END_FRAME = 'event: end\ndata: {}\n\n';

/**
 * The frame of one event: `event: <type>`, `id: <seq>` for the run's own events (an agent called as
 * a tool numbers its events apart, so they carry none), and `data: <JSON>` on one line.
 */
export function eventFrame(event: AgentEvent | CustomEvent, include: ReadonlySet<RunResultDetail>): string {
  // An agent's own event type is any string, so the type alone does not narrow to run-end.
  const payload = event.type === 'run-end' ? runEndPayload(event as RunEndEvent, include) : event;
  const id = event.parentRunId === undefined ? `id: ${event.seq}\n` : '';
  return `event: ${fieldValue(event.type)}\n${id}data: ${payloadJson(payload, event)}\n\n`;
}

/** The frame sent when the events could not be read (the run could not start: bad options, say). */
export function streamErrorFrame(error: unknown): string {
  const redact = secretRedactor();
  const payload = isError(error)
    ? errorPayload(error, redact)
    : { name: 'Error', message: redact(describeThrown(error)) };
  return `event: stream-error\ndata: ${JSON.stringify(payload)}\n\n`;
}

/** An Error as a payload carries it, known secrets redacted. */
export function errorPayload(error: Error, redact: (text: string) => string): ErrorPayload {
  // Typed as strings, but an error's fields are whatever its thrower set.
  const { name, message, code } = error as { name: unknown; message: unknown; code?: unknown };
  return {
    name: redact(String(name)),
    message: redact(String(message)),
    ...(typeof code === 'string' ? { code: redact(code) } : {}),
  };
}

// The RunResult without the fields a client seldom needs and that may be large; with the
// snapshot, a client holds the whole transcript (system prompt included) and can send it back.
function runEndPayload(event: RunEndEvent, include: ReadonlySet<RunResultDetail>): object {
  const { messages, steps, snapshot, ...rest } = event.result;
  const result: Partial<RunResult> = {
    ...rest,
    ...(include.has('messages') ? { messages } : {}),
    ...(include.has('steps') ? { steps } : {}),
    ...(include.has('snapshot') && snapshot !== undefined ? { snapshot } : {}),
  };
  return { ...event, result };
}

function payloadJson(payload: object, event: AgentEvent | CustomEvent): string {
  // One look at the environment's secrets per frame, not one per string.
  const redact = secretRedactor();
  try {
    return JSON.stringify(payload, (_key, value: unknown) => {
      if (typeof value === 'string') return redact(value);
      if (typeof value === 'bigint') return value.toString();
      if (isError(value)) return errorPayload(value, redact);
      return value;
    });
  } catch (error) {
    // A cyclic value in an agent's own event, or a toJSON that throws: the client still learns of it.
    const { type, runId, step, seq, parentRunId } = event;
    return JSON.stringify({ type, runId, step, seq, parentRunId, unserializable: redact(describeThrown(error)) });
  }
}

// A field's value ends at a line break; JSON text has none, but an agent's own event type might.
function fieldValue(text: string): string {
  return text.replace(/[\r\n]/g, ' ');
}

// An Error from another realm (a worker, a vm context) fails instanceof; its own fields would then
// be written as they are.
function isError(value: unknown): value is Error {
  return (
    value instanceof Error ||
    (typeof value === 'object' && value !== null && Object.prototype.toString.call(value) === '[object Error]')
  );
}
