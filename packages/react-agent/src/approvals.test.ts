import { ApprovalRequiredError } from '@tinyagent/core';
import type { RunSnapshot } from '@tinyagent/core';
import type { ToolCallingMode } from './system-prompt.ts';
import { createApprovalTools, createScriptedModel } from '@tinyagent/testing';
import type { ScriptedStep } from '@tinyagent/testing';
import { describe, expect, it } from 'vitest';
import { ReactAgent } from './react-agent.ts';
import { reply } from './test-fixtures.ts';

// A tool that needs approval, the run that pauses before it, and the run that resumes it with the
// decision in a fresh agent, as another process would.

const scripts: Record<ToolCallingMode, { script: ScriptedStep[]; callId: string }> = {
  json: {
    script: [
      reply({ tool: 'lookup', arguments: { name: 'Ada' } }),
      reply({ tool: 'send_email', arguments: { to: 'ada@example.com', body: 'Hi' } }),
      reply({ answer: 'Done.' }),
    ],
    callId: 'step-2',
  },
  native: {
    script: [
      { toolCalls: [{ id: 'call_l', name: 'lookup', arguments: { name: 'Ada' } }] },
      { toolCalls: [{ id: 'call_s', name: 'send_email', arguments: { to: 'ada@example.com', body: 'Hi' } }] },
      'Done.',
    ],
    callId: 'call_s',
  },
};

describe.each(['json', 'native'] as const)('ReactAgent approvals, %s protocol', (toolCalling) => {
  const { script, callId } = scripts[toolCalling];

  async function pause(): Promise<{ snapshot: RunSnapshot; sent: string[]; lookups: string[] }> {
    const { tools, sent, lookups } = createApprovalTools();
    const agent = new ReactAgent({ tools, chatModel: createScriptedModel(script), toolCalling });
    const error = await agent.run('Email Ada hi.').catch((thrown: unknown) => thrown);
    if (!ApprovalRequiredError.isInstance(error))
      throw new Error(`expected an ApprovalRequiredError, got ${String(error)}`);
    expect(error.pendingApprovals).toEqual([
      { kind: 'tool-call', callId, step: 2, toolName: 'send_email', arguments: { to: 'ada@example.com', body: 'Hi' } },
    ]);
    return { snapshot: JSON.parse(JSON.stringify(error.snapshot)) as RunSnapshot, sent, lookups };
  }

  it('pauses before the call and runs it once approved, in a fresh agent', async () => {
    const paused = await pause();
    expect(paused.sent).toEqual([]);
    const { tools, sent, lookups } = createApprovalTools();
    const model = createScriptedModel(script.slice(2));

    const answer = await new ReactAgent({ tools, chatModel: model, toolCalling }).resume(paused.snapshot, {
      approvals: { [callId]: { approved: true } },
    });

    expect(answer).toBe('Done.');
    expect(sent).toEqual(['ada@example.com']);
    expect([...paused.lookups, ...lookups]).toEqual(['Ada']);
    expect(JSON.stringify(model.requests[0]?.messages)).toContain('sent to ada@example.com');
  });

  it('tells the model a declined call did not run, with the reason', async () => {
    const paused = await pause();
    const { tools, sent } = createApprovalTools();
    const model = createScriptedModel(script.slice(2));

    await new ReactAgent({ tools, chatModel: model, toolCalling }).resume(paused.snapshot, {
      approvals: { [callId]: { approved: false, reason: 'not today' } },
    });

    expect(sent).toEqual([]);
    expect(JSON.stringify(model.requests[0]?.messages)).toContain(
      'The user declined this call, so it did not run. Reason: not today.',
    );
  });
});
