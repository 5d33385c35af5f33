import type { CreateRun, CreateStream } from './contestant.ts';

export type { RunTask, StreamTask } from './contestant.ts';

/** One framework (or hand-written loop) under test. */
export interface Contestant {
  /** Stable id, used in the JSON results and on the command line. */
  id: string;
  /** Name in the tables. */
  label: string;
  /** `json` when tool calls travel in the reply text, one per reply (no parallel calls then). */
  protocol: 'native' | 'json';
  /**
   * Imports the contestant's code. Lazy, so that a process measuring one contestant loads that
   * framework only, and its memory is that framework's.
   */
  load(): Promise<CreateRun>;
  /** Imports the contestant's streaming consumer, for those the streaming measurements compare. */
  loadStream?: (() => Promise<CreateStream>) | undefined;
}

/** Every contestant, in table order: TinyAgent first, then the floors, then the peer frameworks. */
export const CONTESTANTS: readonly Contestant[] = [
  {
    id: 'tinyagent-native',
    label: 'TinyAgent ReactAgent (native)',
    protocol: 'native',
    load: async () => (await import('./tinyagent.ts')).createTinyAgentNative,
    loadStream: async () => (await import('./tinyagent.ts')).createTinyAgentStream,
  },
  {
    id: 'tinyagent-json',
    label: 'TinyAgent ReactAgent (JSON)',
    protocol: 'json',
    load: async () => (await import('./tinyagent.ts')).createTinyAgentJson,
  },
  {
    id: 'openai-sdk',
    label: 'openai SDK loop (floor)',
    protocol: 'native',
    load: async () => (await import('./openai-sdk-loop.ts')).createOpenAISdkLoop,
    loadStream: async () => (await import('./openai-sdk-loop.ts')).createOpenAISdkStream,
  },
  {
    id: 'fetch',
    label: 'raw fetch loop (floor)',
    protocol: 'native',
    load: async () => (await import('./fetch-loop.ts')).createFetchLoop,
  },
  {
    id: 'vercel-ai',
    label: 'Vercel AI SDK',
    protocol: 'native',
    load: async () => (await import('./vercel-ai.ts')).createVercelAi,
    loadStream: async () => (await import('./vercel-ai.ts')).createVercelAiStream,
  },
  {
    id: 'openai-agents',
    label: 'OpenAI Agents SDK',
    protocol: 'native',
    load: async () => (await import('./openai-agents.ts')).createOpenAIAgents,
    loadStream: async () => (await import('./openai-agents.ts')).createOpenAIAgentsStream,
  },
];

/**
 * Measured by agent-loop only, against `tinyagent-native`: the same agent with @tinyagent/otel's
 * `traceRun()` and no OpenTelemetry SDK registered (tracing installed but off).
 */
export const TRACING_OFF: Contestant = {
  id: 'tinyagent-native-tracing-off',
  label: 'TinyAgent ReactAgent (native) + traceRun(), no SDK',
  protocol: 'native',
  load: async () => (await import('./tinyagent.ts')).createTinyAgentTracingOff,
};

/** The contestants of the streaming measurements: those with a streaming consumer, in table order. */
export const STREAMING_CONTESTANTS: readonly Contestant[] = CONTESTANTS.filter(
  (contestant) => contestant.loadStream !== undefined,
);

/** The contestant with `id`; throws for an unknown id. */
export function findContestant(id: string): Contestant {
  const found = [...CONTESTANTS, TRACING_OFF].find((contestant) => contestant.id === id);
  if (found === undefined) {
    throw new Error(`No contestant '${id}'; known: ${CONTESTANTS.map((entry) => entry.id).join(', ')}`);
  }
  return found;
}
