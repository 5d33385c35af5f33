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
}
