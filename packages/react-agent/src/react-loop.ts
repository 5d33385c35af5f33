import type { ToolDefinition } from '@tinyagent/core';
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
