import { registerSecret, tool, z } from '@tinyagent/core';
import type { AgentEvent } from '@tinyagent/core';
import { createScriptedModel } from '@tinyagent/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { TinyCodeAgent } from './code-agent.ts';
import type { CodeEvent } from './code-events.ts';
import { JsExecutor } from './sandbox/js-executor.ts';
import type { SandboxToolEnd, SandboxToolStart } from './sandbox/tool-bridge.ts';

// Model code never sees a key whole, but it can rebuild one from pieces it was shown (or guesses) and
// pass it to any tool: arguments are redacted as they leave the sandbox.

const REGISTERED = 'sk-rebuilt-registered-4242';
const FROM_ENV = 'sk-rebuilt-environment-7777';

function createSend(received: unknown[]) {
  return tool({
    name: 'send',
    description: 'Sends a note.',
    parameters: z.object({ to: z.string(), body: z.object({ note: z.string() }) }),
    execute: (args) => {
      received.push(args);
      return 'sent';
    },
  });
}

afterEach(() => {
  delete process.env.OPENAI_API_KEY;
});

describe('tool arguments from model code', () => {
  it('reach the tool and the tool events with registered secrets redacted', async () => {
    registerSecret(REGISTERED);
    const received: unknown[] = [];
    using executor = new JsExecutor({ tools: [createSend(received)] });
    const starts: SandboxToolStart[] = [];
    const ends: SandboxToolEnd[] = [];

    await executor.run(
      'const key = ["sk", "rebuilt", "registered", "4242"].join("-");\nsend({ to: key, body: { note: "key=" + key } })',
      { onToolStart: (event) => starts.push(event), onToolEnd: (event) => ends.push(event) },
    );

    const redacted = { to: '[redacted]', body: { note: 'key=[redacted]' } };
    expect(received).toEqual([redacted]);
    expect(starts.map((event) => event.arguments)).toEqual([redacted]);
    expect(ends.map((event) => event.arguments)).toEqual([redacted]);
  });

  it('never carry the environment’s API key into a code agent’s tool, events or transcript', async () => {
    process.env.OPENAI_API_KEY = FROM_ENV;
    const received: unknown[] = [];
    const chatModel = createScriptedModel([
      '```js\nconst key = "sk-rebuilt-" + "environment-" + 7777;\nsend({ to: "x", body: { note: key } })\n```',
      '```js\nfinal_answer("done")\n```',
    ]);
    const agent = new TinyCodeAgent({ tools: [createSend(received)], chatModel });
    const events: (AgentEvent | CodeEvent)[] = [];

    const result = await agent.run('Send it', { returnResult: true, onEvent: (event) => events.push(event) });

    expect(result.output).toBe('done');
    expect(received).toEqual([{ to: 'x', body: { note: '[redacted]' } }]);
    const toolStart = events.find((event) => event.type === 'tool-start');
    expect(toolStart).toMatchObject({ arguments: { to: 'x', body: { note: '[redacted]' } } });
    expect(JSON.stringify(events)).not.toContain(FROM_ENV);
    expect(JSON.stringify(result.messages)).not.toContain(FROM_ENV);
  });
});
