import type { AgentRun, ChatResponse, ToolDefinition } from '@tinyagent/core';
import type { ToolCallingMode } from './system-prompt.ts';

/** The user message of the one extra model call after the step limit. */
export const FINAL_ATTEMPT_MESSAGE = 'Return your best final answer now.';

/** The highest temperature the corrections raise it to; the API accepts up to 2. */
const MAX_TEMPERATURE = 2;

/** Everything an agent fixes at construction and its runs read; nothing in it changes during a run. */
export interface ReactSettings {
  readonly systemPrompt: string;
  readonly toolCalling: ToolCallingMode;
  /** The function tools offered in the native protocol, built once. */
  readonly toolDefinitions: readonly ToolDefinition[];
  readonly temperature: number;
  readonly maxParallelTools: number;
  readonly maxObservationLength: number;
  readonly maxToolCallsPerTurn: number;
}

/**
 * The temperature after an unusable reply: 0.2 higher, so the next attempt leaves the rut, capped
 * at 2; rounded so that 0.7 + 0.2 is sent as 0.9.
 */
export function raiseTemperature(temperature: number): number {
  return Math.min(MAX_TEMPERATURE, Math.round((temperature + 0.2) * 100) / 100);
}

/**
 * One run of a ReactAgent protocol: the run, its settings and its temperature, and a step that calls
 * the model and acts on the reply. An object with methods, not closures over the run: a run in
 * flight holds it for as long as it waits on the model, and closures (with their context) cost
 * every such run more.
 */
export abstract class ReactRun {
  protected readonly run: AgentRun;
  protected readonly settings: ReactSettings;
  // Raised by each unusable reply, for the rest of the run.
  protected temperature: number;

  constructor(run: AgentRun, settings: ReactSettings) {
    this.run = run;
    this.settings = settings;
    this.temperature = settings.temperature;
  }

  // Two parts, the wait in one small frame: a run holds the frame it waits in, with every value
  // in it, for as long as the model takes; the request is built outside it for the same reason.
  async step(): Promise<void> {
    const reply = await this.callModel();
    return this.act(reply);
  }

  /** The step's model call, as this protocol makes it. */
  protected abstract callModel(): Promise<ChatResponse>;

  /** What the reply asks for: tool calls, a correction, or the answer. */
  protected abstract act(reply: ChatResponse): Promise<void>;
}
