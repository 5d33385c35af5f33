import { escapeControls } from '@tinyagent/core/internal';
import type { AgentEvent, RunOptions, RunResult, StepRunner } from '@tinyagent/core';
import { createProgress } from './progress.ts';
import { createRunTrace } from './span-tree.ts';
import type { Output } from './progress.ts';
import type { Provider } from './provider.ts';

/** Anything with ReactAgent's and TinyCodeAgent's `run` signature. */
export interface Agent {
  run(task: string, options: RunOptions & { returnResult: true }): Promise<RunResult>;
}

/** Command-line switches every demo honours. */
export interface DemoFlags {
  /** The agents' full trace on stderr instead of the compact progress. */
  verbose: boolean;
  /** Print each RunResult as JSON on stdout instead of the answer. */
  json: boolean;
  /** Print the OpenTelemetry span tree of each run (@tinyagent/otel) after its answer. */
  trace: boolean;
}

/** What a demo gets to talk to the user and run agents. */
export interface DemoSession {
  provider: Provider;
  flags: DemoFlags;
  /** Answers, and with `--json` the results. */
  stdout: Output;
  /** Errors, and with `--json` the progress. */
  stderr: Output;
  /**
   * Progress, headers and notes: stdout, so that they interleave with the answers in order even
   * when a runner (Nx) pipes the two streams separately; stderr with `--json`, keeping stdout JSON.
   */
  log: Output;
  /** Player turns for the interactive demo, answers to approval questions. */
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  signal: AbortSignal;
  /** The directory relative paths (saved snapshots) start from. */
  cwd: string;
  /** The environment the demo reads (the process's, or a test's own): the demos never read `process.env`. */
  env: Readonly<Record<string, string | undefined>>;
  /**
   * Runs `task` on `agent`, showing its progress live, then the answer under a header naming the
   * model; rejects with the run's error when it ends without an answer. `shown` replaces the task
   * in the progress header (for long composed tasks).
   */
  ask(agent: Agent, task: string, shown?: string): Promise<RunResult>;
  /**
   * Shows a run that `start` begins with the options it is given (progress, signal, verbosity):
   * a header with `shown`, the progress live, then the answer if there is one. Resolves with the
   * RunResult however the run ended, for runs that may pause (`agent.resume` as well as `run`).
   */
  watch(shown: string, start: (options: WatchedRunOptions) => Promise<RunResult>): Promise<RunResult>;
  /** A note for the user, written to `log`: stdout, or stderr with `--json`. */
  say(text: string): void;
}

/** The options a watched run must pass to `run` or `resume`, so that the session can show it. */
export interface WatchedRunOptions {
  returnResult: true;
  verbose: boolean;
  signal: AbortSignal;
  onEvent: (event: AgentEvent) => void;
  /** Set with `--trace`: runs each model call and tool inside its span. */
  stepRunner?: StepRunner;
}

/** Creates the session the demos share for one CLI invocation. */
export function createSession(fields: Omit<DemoSession, 'ask' | 'watch' | 'say' | 'log'>): DemoSession {
  const { stdout, stderr, flags, provider } = fields;
  const log = flags.json ? stderr : stdout;
  const watch = async (shown: string, start: (options: WatchedRunOptions) => Promise<RunResult>) => {
    log.write(`\n? ${shown}\n`);
    const progress = flags.verbose ? undefined : createProgress(log);
    const showProgress = (event: AgentEvent): void => progress?.onEvent(event);
    const runTrace = flags.trace ? createRunTrace() : undefined;
    const traced = runTrace?.options;
    const onEvent =
      traced === undefined
        ? showProgress
        : (event: AgentEvent): void => {
            traced.onEvent(event);
            showProgress(event);
          };
    let result: RunResult;
    try {
      result = await start({
        returnResult: true,
        verbose: flags.verbose,
        signal: fields.signal,
        onEvent,
        ...(traced === undefined ? {} : { stepRunner: traced.stepRunner }),
      });
    } finally {
      progress?.stop();
    }
    if (flags.json) {
      stdout.write(`${JSON.stringify(result, jsonReplacer, 2)}\n`);
    } else if (result.finalAnswer !== undefined) {
      stdout.write(`── answer · ${provider.label}\n${escapeControls(result.output)}\n`);
    }
    if (runTrace !== undefined) log.write(`── trace (OpenTelemetry spans)\n${escapeControls(runTrace.tree())}\n`);
    return result;
  };
  const ask = async (agent: Agent, task: string, shown = task): Promise<RunResult> => {
    const result = await watch(shown, (options) => agent.run(task, options));
    if (result.finalAnswer === undefined) throw result.error ?? new Error(`The run ended as ${result.state}.`);
    return result;
  };
  return { ...fields, log, ask, watch, say: (text) => log.write(`${text}\n`) };
}

// Errors are not JSON by default; show what a reader needs of them.
function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: value.message, ...('code' in value ? { code: value.code } : {}) };
  }
  return value;
}
