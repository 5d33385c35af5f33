import type { AgentModelOptions } from '@tinyagent/core';
import type { ScriptedBrain } from './provider.ts';
import type { DemoSession } from './session.ts';

/** One demo of the CLI. */
export interface Demo {
  name: string;
  /** One line for `--help` and the tour. */
  summary: string;
  /** Reads from stdin; left out of the tour. */
  interactive: boolean;
  /** The scripted stand-in for a model when the demo runs offline. */
  brain: ScriptedBrain;
  /** Runs the demo with `model` (the chosen provider's agent options) and the remaining arguments. */
  run(session: DemoSession, model: AgentModelOptions, args: readonly string[]): Promise<void>;
}
