// Cancellation under load: many runs in flight, each aborted at a random moment while it is in a model
// request, in a tool, or in a sandbox execution. The fake server (in another process) answers every
// run so that it stays in the phase its task names until the abort arrives.
import { OpenAIChatModel, tool, z } from '@tinyagent/core';
import { sleep } from '@tinyagent/core/internal';
import type { AgentEvent, RunResult } from '@tinyagent/core';
import type { CodeEvent } from '@tinyagent/code-agent';
import { TinyCodeAgent } from '@tinyagent/code-agent';
import { ReactAgent } from '@tinyagent/react-agent';
import type { FakeRequest, FakeResponse } from '@tinyagent/testing';
import { createRandom } from './random.ts';
import { createSlots } from './slots.ts';
import { multiply } from './soak-scenario.ts';

/** Where a run is when it is aborted. */
export type CancelPhase = 'model' | 'tool' | 'sandbox';

const PHASES: readonly CancelPhase[] = ['model', 'tool', 'sandbox'];

// The event that says a run has entered its phase; the abort follows a random 0-30 ms later.
const PHASE_EVENT: Record<CancelPhase, (AgentEvent | CodeEvent)['type']> = {
  model: 'model-request',
  tool: 'tool-start',
  sandbox: 'code-start',
};

// Sandbox executions busy-loop on a core each: more of them at once than this would measure the
// machine's cores, not the cancellation. Two also keeps the pool's two idle workers in use.
const SANDBOXES_AT_ONCE = 2;

// Runs start at random moments over this window, so that every phase is in flight at once.
const START_WINDOW_MS = 3_000;

/** How soon after its abort a run should settle, as the issue asks: the soak holds 99 % of runs to it. */
export const SETTLE_TARGET_MS = 100;

/**
 * The line every aborted run is held to. A run that waited for its model request, tool or sandbox
 * would take seconds or forever here (they hang, sleep ten seconds, loop); runs settle in well under
 * a millisecond at the median. But the machine is shared: with another process busy on both cores,
 * the child's whole event loop stalled for up to 460 ms, and one run of 500 then took 330 ms
 * (measured). A limit below such stalls would fail on them, not on the runs.
 */
export const SETTLE_LIMIT_MS = 1_000;

/** The outcome of one aborted run. */
export interface CancelledRun {
  phase: CancelPhase;
  state: RunResult['state'];
  errorName: string | undefined;
  /** Milliseconds from `abort()` to the run's promise settling. */
  settleMs: number;
}

// The tool's wait outlives any test: only the abort ends it.
const WAIT_FOREVER_MS = 3_600_000;

/**
 * The fake server's answers for cancellation runs: a model request that never ends, a call of a tool
 * that waits an hour, or code that loops forever, as the run's task says.
 */
export function answerCancellationRequest(request: FakeRequest): FakeResponse {
  const task = request.body.messages.find((message) => message.role === 'user')?.content;
  const phase = typeof task === 'string' ? /^\[(\w+)\]/.exec(task)?.[1] : undefined;
  switch (phase) {
    case 'model':
      return { fault: 'hang' };
    case 'tool':
      return request.body.tools === undefined
        ? JSON.stringify({ tool: 'wait_for', arguments: { ms: WAIT_FOREVER_MS } })
        : { toolCalls: [{ name: 'wait_for', arguments: { ms: WAIT_FOREVER_MS } }] };
    case 'sandbox':
      return '```js\nlet turns = 0;\nwhile (true) { turns++; }\n```';
    default:
      return { status: 400, message: `No cancellation phase in the task ${JSON.stringify(task)}.` };
  }
}

const waitFor = tool({
  name: 'wait_for',
  description: 'Waits the given number of milliseconds.',
  parameters: z.object({ ms: z.number() }),
  execute: async ({ ms }, { signal }) => {
    await sleep(ms, signal);
    return 'waited';
  },
});

/**
 * Starts `runs` runs against the fake server at `baseURL`, a third in each phase, and aborts each at
 * a random moment of its phase. Resolves once every run has settled.
 */
export async function runCancellationScenario(baseURL: string, runs: number, seed: number): Promise<CancelledRun[]> {
  const random = createRandom(seed);
  const model = new OpenAIChatModel({ baseURL, model: 'fake-model' });
  const jsonAgent = new ReactAgent({ tools: [waitFor], chatModel: model });
  const nativeAgent = new ReactAgent({ tools: [waitFor], chatModel: model, toolCalling: 'native' });
  const codeAgent = new TinyCodeAgent({ tools: [multiply], chatModel: model });
  const sandboxSlots = createSlots(SANDBOXES_AT_ONCE);

  const cancelOne = async (index: number): Promise<CancelledRun> => {
    const phase = PHASES[index % PHASES.length] ?? 'model';
    const controller = new AbortController();
    const timing = { abortedAt: 0 };
    const onEvent = (event: AgentEvent | CodeEvent): void => {
      if (event.type !== PHASE_EVENT[phase] || timing.abortedAt !== 0) return;
      timing.abortedAt = -1;
      setTimeout(
        () => {
          timing.abortedAt = performance.now();
          controller.abort(new Error(`cancelled in the ${phase} phase`));
        },
        random.integer(0, 30),
      );
    };
    await sleep(random.integer(0, START_WINDOW_MS));
    const task = `[${phase}] run ${index}`;
    const options = { returnResult: true, signal: controller.signal, onEvent } as const;
    let result: RunResult;
    if (phase === 'sandbox') {
      const release = await sandboxSlots();
      result = await codeAgent.run(task, options);
      release();
    } else {
      result = await (index % 2 === 0 ? jsonAgent : nativeAgent).run(task, options);
    }
    const settleMs = timing.abortedAt > 0 ? performance.now() - timing.abortedAt : Number.NaN;
    return { phase, state: result.state, errorName: result.error?.name, settleMs };
  };

  return Promise.all(Array.from({ length: runs }, (_, index) => cancelOne(index)));
}
