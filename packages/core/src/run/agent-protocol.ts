import type { AgentRun } from './agent-run.ts';
import type { CustomEvent } from './agent-events.ts';

/**
 * How an agent talks to its model: what it asks and what it does with each reply. The run engine
 * does the rest (the transcript, steps and their limit, events, usage, deadlines, the tool path,
 * the final answer, the RunResult), so a new agent is a protocol and nothing else.
 * `Event` is the union of the agent's own events (never, for an agent with none).
 */
export interface AgentProtocol<Event extends CustomEvent = never> {
  /** Names the agent in errors and traces: `ReactAgent`, `TinyCodeAgent`. */
  readonly agentName: string;
  /**
   * What snapshots call the agent, when one agent has several protocols whose runs cannot resume
   * each other's (`ReactAgent/json`); default `agentName`.
   */
  readonly kind?: string | undefined;
  /** The system prompt that opens every run's transcript. */
  readonly systemPrompt: string;
  /** Starts the protocol's part of one run (its state, its resources) and returns what its steps do. */
  start(run: AgentRun<Event>): ProtocolRun;
  /** Lines of the verbose trace for one of the agent's own events; none when absent. */
  describeEvent?(event: Event): string[];
}

/** A protocol's part of one run. */
export interface ProtocolRun {
  /**
   * One step: call the model (`run.callModel`), then act on the reply: run its tool calls
   * (`run.invokeTools`), send a correction (`run.correct`), or give the answer (`run.finish`).
   */
  step(): Promise<void>;
  /**
   * The one extra step after the step limit, for agents that take one: ask for the answer now.
   * Without it, a run that reaches the limit ends without an answer.
   */
  finalAttempt?(): Promise<void>;
  /** Frees what the run held (the code agent's sandbox), however the run ended. */
  close?(): void;
  /**
   * Sees the text of each model call as it streams, when the run streams deltas (run option
   * `deltas`, with someone listening): called at the first piece of each attempt of a call, it
   * returns what takes that attempt's pieces, or undefined to take none. The protocol reports the
   * answer text it finds in them with `context.answer` (an `answer-delta` event) and events of its
   * own with `run.emit`. Without it, a run has `text-delta` events but no `answer-delta`.
   */
  streamModelCall?(context: ModelCallStreamContext): ModelCallStream | undefined;
}

/** What the engine tells a protocol's `streamModelCall` about the attempt that streams. */
export interface ModelCallStreamContext {
  /** The step of the model call (`maxSteps + 1` in the final attempt). */
  readonly step: number;
  /** The attempt of the call, from 1: a retry starts a new stream, and the old one gets no more pieces. */
  readonly attempt: number;
  /** Emits an `answer-delta` with the next piece of the answer's text; ignored once the attempt is over. */
  answer(text: string): void;
}

/**
 * A protocol's reader of one attempt of a streaming model call: a pure incremental reader fits,
 * such as a decoder of a JSON reply's `answer` string or an extractor of a code block.
 */
export interface ModelCallStream {
  /** The next piece of the model's text, as `text-delta` has it: reasoning apart, known secrets redacted. */
  push(text: string): void;
  /** The model sent a piece of its `index`-th tool call (from 0). */
  toolCall?(index: number): void;
  /** The attempt's reply is complete (before its `model-response`); never called for an attempt that failed. */
  end?(): void;
}
