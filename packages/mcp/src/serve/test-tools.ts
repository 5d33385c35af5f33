// The tools the serve tests expose, in-process (HTTP) and in the stdio test server alike.
import { registerSecret, tool, z } from '@tinyagent/core';
import type { Tool } from '@tinyagent/core';
import { ReactAgent } from '@tinyagent/react-agent';
import { createScriptedModel } from '@tinyagent/testing';

/** A key the failing tool leaks in its error, registered as a secret: it must never reach a client. */
export const LEAKED_KEY = 'sk-test-0123456789abcdef0123456789';

/** What the slow tool tells the test: that it started, and that its signal aborted. */
export interface SlowToolWatcher {
  started(): void;
  aborted(reason: unknown): void;
}

/** The test tools: one of each kind of result a client can get. */
export function createTestTools(watcher: SlowToolWatcher): Tool[] {
  registerSecret(LEAKED_KEY);
  const add = tool({
    name: 'add',
    description: 'Adds two numbers.',
    parameters: z.object({ a: z.number(), b: z.number().describe('The second number.') }),
    returns: z.object({ sum: z.number() }),
    execute: ({ a, b }) => ({ sum: a + b }),
  });
  const liar = tool({
    name: 'liar',
    description: 'Returns what its result schema does not allow.',
    returns: z.object({ sum: z.number() }),
    execute: () => ({ sum: 'many' }) as unknown as { sum: number },
  });
  const echo = tool({
    name: 'echo',
    description: 'Echoes a text.',
    parameters: z.object({ text: z.string().min(1) }),
    execute: ({ text }) => text,
  });
  const explode = tool({
    name: 'explode',
    description: 'Always fails.',
    execute: () => {
      throw new Error(`upstream refused key ${LEAKED_KEY}`);
    },
  });
  const slow = tool({
    name: 'slow',
    description: 'Waits until it is cancelled.',
    execute: (_args, { signal }) =>
      new Promise<never>((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          watcher.aborted(signal.reason);
          reject(signal.reason as Error);
        });
        watcher.started();
      }),
  });
  const late = tool({
    name: 'late',
    description: 'Takes longer than its own deadline.',
    timeoutMs: 20,
    execute: (_args, { signal }) =>
      new Promise<never>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error))),
  });
  const guarded = tool({
    name: 'guarded',
    description: 'Needs approval.',
    needsApproval: true,
    execute: () => 'ran',
  });
  return [add, liar, echo, explode, slow, late, guarded, createMathAgentTool(), createCarefulAgentTool(guarded)];
}

// An agent that answers on its first step, served as a tool.
function createMathAgentTool(): Tool {
  const agent = new ReactAgent({ tools: [echoTool()], chatModel: createScriptedModel(['42']), toolCalling: 'native' });
  return agent.asTool({ name: 'math_agent', description: 'Answers arithmetic questions.' });
}

// An agent whose run pauses for approval: its first step calls a tool that needs it.
function createCarefulAgentTool(guarded: Tool): Tool {
  const model = createScriptedModel([{ toolCalls: [{ id: 'call_1', name: 'guarded', arguments: {} }] }]);
  const agent = new ReactAgent({ tools: [guarded], chatModel: model, toolCalling: 'native' });
  return agent.asTool({ name: 'careful_agent', description: 'Does things only once approved.' });
}

function echoTool(): Tool {
  return tool({ name: 'noop', description: 'Does nothing.', execute: () => 'ok' });
}
