import type { AgentModelOptions } from '@tinyagent/core';
import type { ScriptedBrain } from './provider.ts';
import type { DemoSession } from './session.ts';

/** A command-line option of one demo's own, such as the approve demo's `--resume <file>`. */
export interface DemoOption {
  /** What the value is called in `--help` (`file` for `--resume <file>`); absent for a switch. */
  value?: string;
  /** One line for `--help`. */
  summary: string;
}

/** The values of a demo's own options as given: a string, `true` for a switch, absent when not given. */
export type DemoOptionValues = Readonly<Record<string, string | boolean | undefined>>;

/** One demo of the CLI. */
export interface Demo {
  name: string;
  /** One line for `--help` and the tour. */
  summary: string;
  /** Reads from stdin; left out of the tour. */
  interactive: boolean;
  /** The scripted stand-in for a model when the demo runs offline. */
  brain: ScriptedBrain;
  /** Options only this demo takes, by name without the leading `--`. */
  options?: Readonly<Record<string, DemoOption>>;
  /**
   * Runs the demo with `model` (the chosen provider's agent options), the remaining arguments and
   * the values of its own options.
   */
  run(
    session: DemoSession,
    model: AgentModelOptions,
    args: readonly string[],
    options: DemoOptionValues,
  ): Promise<void>;
}
