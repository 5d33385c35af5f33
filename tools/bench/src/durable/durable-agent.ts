// The agent of the durable-run measurement, the same in the measuring process and in the worker
// processes: a ReactAgent whose in-process model calls the `step` tool once per step, then answers
// from the results in the transcript. No network and no fake server: what a durable run adds over a
// plain one (DBOS steps in PostgreSQL) is then all that differs between the two.
import { tool, z } from '@tinyagent/core';
import type { ChatModel, ChatRequest, ChatResponse } from '@tinyagent/core';
import { ReactAgent } from '@tinyagent/react-agent';

/** A run's task: run `run` of `steps` tool steps. */
export function durableTask(run: number, steps: number): string {
  return `durable run ${String(run)} of ${String(steps)} steps`;
}

/** The answer a run of `durableTask(run, steps)` must end with: it holds every step's result. */
export function durableAnswer(run: number, steps: number): string {
  const total = Array.from({ length: steps }, (_, index) => stepResult(run, index + 1)).reduce((a, b) => a + b, 0);
  return `finished run ${String(run)}: ${String(total)}`;
}

/** What is wrong with `output` as the answer of `durableTask(run, steps)`, or undefined when it is right. */
export function durableAnswerProblem(run: number, steps: number, output: string | undefined): string | undefined {
  const expected = durableAnswer(run, steps);
  return output === expected ? undefined : `expected '${expected}', got ${JSON.stringify(output)}`;
}

// A result that depends on the run and the step, so that a lost or swapped tool result shows.
function stepResult(run: number, n: number): number {
  return (run * 31 + n * 17) % 101;
}

/** Where the agent's steps report to: called as each model call or tool execution starts, live. */
export type StepListener = (run: number, kind: 'model' | 'tool', n: number) => void;

/** Options of `createDurableBenchAgent`. */
export interface DurableBenchAgentOptions {
  /** How long each tool execution takes; default 0. */
  toolDelayMs?: number | undefined;
  onStep?: StepListener | undefined;
}

/** The measurement's ReactAgent: tool steps as the task says, then the answer. */
export function createDurableBenchAgent(options: DurableBenchAgentOptions = {}): ReactAgent {
  const delayMs = options.toolDelayMs ?? 0;
  const step = tool({
    name: 'step',
    description: 'Does step n of run r.',
    parameters: z.object({ run: z.number().int(), n: z.number().int() }),
    execute: async ({ run, n }) => {
      options.onStep?.(run, 'tool', n);
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      return String(stepResult(run, n));
    },
  });
  return new ReactAgent({ tools: [step], chatModel: createStepModel(options.onStep), toolCalling: 'native' });
}

// Stateless like the bench's fake server: the next reply comes from the task and the transcript alone.
function createStepModel(onStep: StepListener | undefined): ChatModel {
  return {
    modelName: 'durable-bench-model',
    complete: (request: ChatRequest): Promise<ChatResponse> => {
      const task = request.messages.find((message) => message.role === 'user')?.content ?? '';
      const [, , run = Number.NaN, , steps = Number.NaN] = task.split(' ').map(Number);
      const results = request.messages.filter((message) => message.role === 'tool').map((message) => message.content);
      onStep?.(run, 'model', results.length + 1);
      const base = { usage: undefined, model: 'durable-bench-model' };
      if (results.length >= steps) {
        const total = results.map(Number).reduce((a, b) => a + b, 0);
        return Promise.resolve({
          ...base,
          content: `finished run ${String(run)}: ${String(total)}`,
          toolCalls: [],
          finishReason: 'stop',
        });
      }
      const n = results.length + 1;
      const call = { id: `call_${String(n)}`, name: 'step', arguments: JSON.stringify({ run, n }) };
      return Promise.resolve({ ...base, content: null, toolCalls: [call], finishReason: 'tool_calls' });
    },
  };
}
