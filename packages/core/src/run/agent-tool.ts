import { z } from 'zod';
import { ConfigurationError } from '../errors.ts';
import type { AgentEvent } from './agent-events.ts';
import { RunPaused } from './approvals.ts';
import { tool } from '../tools/tool.ts';
import type { Tool, ToolParameters } from '../tools/tool.ts';
import { checkOptionKeys } from './option-keys.ts';
import type { ResumeOptions, RunOptionsWithResult } from './run-options.ts';
import type { RunResult } from './run-result.ts';
import type { RunSnapshot } from './run-snapshot.ts';
import { subRunHooks } from './sub-runs.ts';

/** Options of `agent.asTool`. */
export interface AgentToolOptions<Parameters extends ToolParameters = DefaultAgentToolParameters> {
  /** The tool's name, as the calling agent's model calls it. */
  name: string;
  /** What the agent does and when to call it, written for the calling model. */
  description: string;
  /** The arguments; default `{ task: string }`, the task for the agent. */
  parameters?: Parameters | undefined;
  /** The task for the agent from the arguments; default the `task` argument, else the arguments as JSON. */
  task?: ((args: z.output<Parameters>) => string) | undefined;
  /** The agent's step limit in these runs; default its own. */
  maxSteps?: number | undefined;
  /** Deadline of one call (the whole sub-run); default the calling run's `toolTimeoutMs`. */
  timeoutMs?: number | undefined;
}

// Every key of AgentToolOptions, checked by the compiler both ways.
const AGENT_TOOL_OPTION_KEYS = Object.keys({
  name: true,
  description: true,
  parameters: true,
  task: true,
  maxSteps: true,
  timeoutMs: true,
} satisfies Record<keyof AgentToolOptions, true>);

/** What `asTool` needs of an agent: its runs and resumes, with the whole result. */
export interface RunnableAgent {
  run(task: string, options: RunOptionsWithResult): Promise<RunResult>;
  resume(snapshot: RunSnapshot, options: ResumeOptions & { returnResult: true }): Promise<RunResult>;
}

const defaultParameters = z.object({ task: z.string().describe('The task for the agent, in full.') });

/** The arguments of an agent's tool when `parameters` is not given: `{ task: string }`. */
export type DefaultAgentToolParameters = typeof defaultParameters;

/**
 * The agent as a tool of another agent: each call is a run of it, under the calling run's signal and
 * the call's deadline; its events reach the calling run's listeners (with `parentRunId`), its usage
 * counts in the calling run's, and an approval it waits for pauses the calling run (whose snapshot
 * then holds both). The tool's result is the answer: the parsed value when the agent has an output
 * schema. A run that ends without an answer fails the call with the run's error, which the calling
 * model reads. The tool is async: TinyCodeAgent cannot call it.
 */
export function agentTool<Parameters extends ToolParameters>(
  agent: RunnableAgent,
  options: AgentToolOptions<Parameters>,
): Tool<z.output<Parameters>, Promise<unknown>> {
  checkOptionKeys(options, AGENT_TOOL_OPTION_KEYS, 'asTool');
  const { name, description, maxSteps, timeoutMs } = options;
  const parameters = (options.parameters ?? defaultParameters) as ToolParameters;
  const taskOf = options.task ?? defaultTask;
  const made = tool({
    name,
    description,
    parameters,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    execute: async (args, context) => {
      const hooks = subRunHooks(context.run);
      const callId = context.toolCallId;
      const linked = hooks !== undefined && callId !== undefined ? { hooks, callId } : undefined;
      const runOptions = {
        returnResult: true as const,
        signal: context.signal,
        ...(maxSteps === undefined ? {} : { maxSteps }),
        ...(linked === undefined ? {} : { onEvent: (event: AgentEvent) => linked.hooks.notify(event) }),
      };
      const saved = linked?.hooks.saved(linked.callId);
      const result =
        saved === undefined
          ? await agent.run(taskOf(args as never), runOptions)
          : await agent.resume(saved.snapshot, { ...runOptions, approvals: saved.approvals });
      if (result.state === 'awaiting_approval') {
        if (linked === undefined) {
          throw new ConfigurationError(
            `asTool '${name}': the agent's run waits for approval, which only a calling agent run can pause for. ` +
              'Call this tool from an agent, or run the agent itself.',
          );
        }
        linked.hooks.paused(linked.callId, result);
        // The tool path reads the pause from the parent's pending approvals (subRunPaused), not from this error.
        throw new RunPaused();
      }
      linked?.hooks.finished(linked.callId, result.usage);
      if (result.finalAnswer === undefined) throw result.error ?? new Error('The agent ended without an answer.');
      return result.finalAnswer.value;
    },
  });
  return made as unknown as Tool<z.output<Parameters>, Promise<unknown>>;
}

function defaultTask(args: Record<string, unknown>): string {
  return typeof args.task === 'string' ? args.task : JSON.stringify(args);
}
