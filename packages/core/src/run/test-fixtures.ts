// Shared by the run engine's tests (never built into dist): a small tool-calling protocol, a tool,
// and an Agent made of them. Every test drives the engine through the public Agent class.
import { z } from 'zod';
import type { AgentEvent } from './agent-events.ts';
import type { AgentProtocol } from './agent-protocol.ts';
import type { AgentRun, InvokeToolsOptions } from './agent-run.ts';
import { Agent } from './agent.ts';
import { answerUntilToolCall } from './model-deltas.ts';
import type { AgentDefinition } from './agent.ts';
import type { ChatModel, ToolCall } from '../model/chat-model.ts';
import type { OutputSchema } from './structured-output.ts';
import { setLogger } from '../logger.ts';
import { createScriptedModel } from '../testing/scripted-model.ts';
import { tool } from '../tools/tool.ts';
import type { Tool } from '../tools/tool.ts';
import type { ToolCallRequest } from './tool-invocation.ts';

/** Multiplies two numbers: the tool most tests offer. */
export const multiply = tool({
  name: 'multiply',
  description: 'Multiplies two numbers.',
  parameters: z.object({ a: z.number(), b: z.number() }),
  execute: ({ a, b }) => a * b,
});

/** `multiply`, counting its runs in `runs.count`: a replay that ran it again would show. */
export function countedMultiply(runs: { count: number }): Tool {
  return tool({
    name: 'multiply',
    description: 'Multiplies two numbers.',
    parameters: z.object({ a: z.number(), b: z.number() }),
    execute: ({ a, b }) => {
      runs.count += 1;
      return a * b;
    },
  });
}

/** Options of `createToolProtocol`. */
export interface ToolProtocolOptions {
  /** Take the one extra step after the step limit, asking for the answer with tool use off. */
  finalAttempt?: boolean | undefined;
  /** How the protocol runs each reply's tool calls. */
  invoke?: InvokeToolsOptions | undefined;
  /** Called when the run closes the protocol's part of it. */
  onClose?: (() => void) | undefined;
  /** Report each turn's text as answer-delta until its first tool call, as ReactAgent's native protocol does. */
  streamAnswer?: boolean | undefined;
}

/**
 * The smallest tool-calling protocol: each step calls the model with the tools offered; tool calls
 * are run and their outputs appended; a reply without tool calls is the final answer.
 */
export function createToolProtocol(tools: readonly Tool[], options: ToolProtocolOptions = {}): AgentProtocol {
  const definitions = tools.map((entry) => ({
    name: entry.name,
    description: entry.description,
    parameters: entry.jsonSchema,
  }));
  return {
    agentName: 'TestAgent',
    systemPrompt: 'You are a test agent.',
    start: (run) => ({
      step: async () => {
        const reply = await run.callModel({ tools: definitions });
        if (reply.toolCalls.length === 0) {
          run.append({ role: 'assistant', content: reply.content });
          run.finish(reply.content);
          return;
        }
        await runToolCalls(run, reply.toolCalls, reply.content, options.invoke);
      },
      ...(options.finalAttempt === true
        ? {
            finalAttempt: async () => {
              const reply = await run.callModel({ tools: definitions, toolChoice: 'none' });
              run.append({ role: 'assistant', content: reply.content });
              if (reply.content !== null) run.finish(reply.content);
            },
          }
        : {}),
      ...(options.onClose === undefined ? {} : { close: options.onClose }),
      ...(options.streamAnswer === true ? { streamModelCall: answerUntilToolCall } : {}),
    }),
  };
}

async function runToolCalls(
  run: AgentRun,
  calls: readonly ToolCall[],
  content: string | null,
  options: InvokeToolsOptions | undefined,
): Promise<void> {
  run.append({ role: 'assistant', content, toolCalls: calls });
  const outcomes = await run.invokeTools(calls.map(readToolCall), options);
  calls.forEach((call, index) => {
    run.append({ role: 'tool', toolCallId: call.id, content: outcomes[index]?.output ?? '' });
  });
}

/** A model's tool call as the tool path takes it: JSON arguments decoded, or the reason they are not. */
export function readToolCall(call: ToolCall): ToolCallRequest {
  try {
    return { id: call.id, name: call.name, arguments: JSON.parse(call.arguments) as unknown };
  } catch {
    return { id: call.id, name: call.name, arguments: call.arguments, argumentError: 'arguments are not JSON' };
  }
}

/** An Agent on `model`: by default the tool protocol with `multiply`, five steps. */
export function createTestAgent<Schema extends OutputSchema | undefined = undefined>(
  model: ChatModel,
  definition: Partial<AgentDefinition<never, Schema>> = {},
): Agent<never, Schema> {
  const tools = definition.tools ?? [multiply];
  return new Agent<never, Schema>({
    protocol: createToolProtocol(tools),
    tools,
    model,
    defaultMaxSteps: 5,
    ...definition,
  });
}

/** Collects a run's events, for `onEvent`. */
export function collectEvents(): { events: AgentEvent[]; onEvent: (event: AgentEvent) => void } {
  const events: AgentEvent[] = [];
  return { events, onEvent: (event) => events.push(event) };
}

/** The events of one type, typed as such. */
export function eventsOfType<Type extends AgentEvent['type']>(
  events: readonly AgentEvent[],
  type: Type,
): Extract<AgentEvent, { type: Type }>[] {
  return events.filter((event): event is Extract<AgentEvent, { type: Type }> => event.type === type);
}

/** One server-sent event as a client reads it. */
export interface ServerSentEvent {
  event: string;
  id: string | undefined;
  data: string;
}

/** Parses a server-sent event stream's text as EventSource does; comments (`: …`) are returned apart. */
export function parseServerSentEvents(text: string): { events: ServerSentEvent[]; comments: string[] } {
  const events: ServerSentEvent[] = [];
  const comments: string[] = [];
  for (const block of text.split(/\r\n\r\n|\n\n|\r\r/)) {
    let event: ServerSentEvent | undefined;
    for (const line of block.split(/\r\n|\n|\r/)) {
      if (line === '') continue;
      if (line.startsWith(':')) {
        comments.push(line.slice(1).trim());
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      event ??= { event: 'message', id: undefined, data: '' };
      if (field === 'event') event.event = value;
      else if (field === 'id') event.id = value;
      else if (field === 'data') event.data = event.data === '' ? value : `${event.data}\n${value}`;
      else throw new Error(`Unexpected field '${field}' in a server-sent event.`);
    }
    if (event !== undefined) events.push(event);
  }
  return { events, comments };
}

/** A model that answers `answer` once `release()` is called: a run that stays silent until then. */
export function heldModel(answer: string): { model: ChatModel; release: () => void } {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const model: ChatModel = {
    modelName: 'held-model',
    complete: async (request) => {
      await released;
      return createScriptedModel([answer]).complete(request);
    },
  };
  return { model, release };
}

/** Installs a logger that keeps the warnings; the test's afterEach restores the default (`setLogger(undefined)`). */
export function captureWarnings(): string[] {
  const warnings: string[] = [];
  setLogger({
    debug: () => undefined,
    info: () => undefined,
    error: () => undefined,
    warn: (line) => warnings.push(line),
  });
  return warnings;
}
