import type { AgentEvent, CustomEvent } from './agent-events.ts';
import { ConfigurationError } from '../errors.ts';
import { outputOrThrow } from './execute-run.ts';
import { openRunEvents } from './run-events-input.ts';

/**
 * Reads a run's events (`agent.stream(task, { deltas: true })`) as its final answer's text, as it
 * arrives: each value is the **whole answer so far**, not a piece, and replaces the one before.
 * Text streamed by a model may turn out not to be the answer: an attempt that is retried
 * (`model-retry`), a turn that calls tools (its text was a preamble), a reply the agent corrects.
 * A value that does not extend the previous one says so: it is `''` when such text is dropped, and
 * the last value is always the run's `result.output` (trimmed, or the JSON of a structured answer),
 * so a UI that shows each value ends showing the answer. Without deltas (`deltas` off, or a protocol
 * that reports no `answer-delta`), the answer comes once, at the end.
 *
 * A run that ends without an answer (an error, an abort, a pause for approval) makes the iterable
 * throw the run's error (`RunResult.error`: ModelCallError, RunAbortedError, ApprovalRequiredError…)
 * after the last value. Stopping the iteration (`break`) closes `events`, which aborts the run.
 * Events of agents called as tools (`parentRunId` set) are skipped. Throws ConfigurationError when
 * `events` is not an async iterable, and, at the end, when the events end without `run-end`.
 */
export function answerText(events: AsyncIterable<AgentEvent | CustomEvent>): AsyncIterable<string> {
  const source = openRunEvents(events, 'answerText');
  let closed = false;
  const reading = readAnswer(source, () => closed);
  const iterator: AsyncIterableIterator<string, void, undefined> = {
    next: () => reading.next(),
    // Closing the source first aborts the run at once, even while `reading` waits for its next event
    // (an async generator queues return() until then); that next() then ends quietly.
    return: async (value) => {
      closed = true;
      // Together, so that a failure of either is the caller's, never an unhandled rejection.
      const [result] = await Promise.all([reading.return(value), source.return?.()]);
      return result;
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

async function* readAnswer(
  source: AsyncIterator<AgentEvent | CustomEvent>,
  closed: () => boolean,
): AsyncGenerator<string, void, undefined> {
  const answer = createAnswerReader();
  let ended = false;
  try {
    for (;;) {
      const next = await source.next();
      if (closed()) return;
      if (next.done === true) {
        ended = true;
        break;
      }
      const text = answer.read(next.value);
      if (text !== undefined) yield text;
      if (answer.finished) return;
    }
  } finally {
    // Left early (a break, or the run's error): the source is told, which aborts a run still going.
    if (!ended) await source.return?.();
  }
  throw new ConfigurationError(
    'answerText: the events ended without run-end. Pass the events of one run, as agent.stream(task, options) yields them.',
  );
}

/** Follows the answer through a run's events; `read` returns the answer so far when it changed. */
function createAnswerReader(): {
  read: (event: AgentEvent | CustomEvent) => string | undefined;
  readonly finished: boolean;
} {
  let text = '';
  let shown = '';
  // The model call (step and attempt) the text so far came from.
  let call = '';
  let finished = false;
  const drop = (): void => {
    text = '';
    call = '';
  };
  const follow = (event: AgentEvent): void => {
    switch (event.type) {
      case 'answer-delta': {
        const from = `${event.step}/${event.attempt}`;
        text = from === call ? text + event.text : event.text;
        call = from;
        return;
      }
      case 'model-retry':
      case 'tool-call-delta':
        // A failed attempt's text was not the reply; nor was the text before a tool call.
        if (call === `${event.step}/${event.attempt}`) drop();
        return;
      case 'model-response':
        if (event.toolCalls.length > 0) drop();
        return;
      // A new model call, or a reply the agent corrected: what came before was not the answer.
      case 'model-request':
      case 'correction':
        drop();
        return;
      case 'run-end':
        finished = true;
        // The answer, or the run's error thrown, as agent.run does it.
        text = outputOrThrow(event.result);
        return;
      default:
        return;
    }
  };
  return {
    read: (event) => {
      if (event.parentRunId !== undefined) return undefined;
      follow(event as AgentEvent);
      if (text === shown) return undefined;
      shown = text;
      return text;
    },
    get finished() {
      return finished;
    },
  };
}
