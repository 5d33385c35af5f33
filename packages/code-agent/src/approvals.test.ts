import { ApprovalRequiredError, ReplayDivergedError } from '@tinyagent/core';
import type { RunSnapshot } from '@tinyagent/core';
import { createApprovalTools, createScriptedModel } from '@tinyagent/testing';
import { describe, expect, it } from 'vitest';
import { TinyCodeAgent } from './code-agent.ts';

const js = (code: string): string => `\`\`\`js\n${code}\n\`\`\``;

// Step 1 keeps an address in a variable; step 2 emails it (needs approval); step 3 answers.
const SCRIPT = [
  js("const address = lookup({ name: 'Ada' }); const stamp = Math.random();\nconsole.log(address)"),
  js("const receipt = send_email({ to: address, body: 'Hi' });\nconsole.log(receipt)"),
  js('final_answer(`${receipt} at ${stamp}`)'),
];

async function pause() {
  const { tools, sent, lookups } = createApprovalTools();
  const agent = new TinyCodeAgent({ tools, chatModel: createScriptedModel(SCRIPT) });
  const error = await agent.run('Email Ada hi.').catch((thrown: unknown) => thrown);
  if (!ApprovalRequiredError.isInstance(error))
    throw new Error(`expected an ApprovalRequiredError, got ${String(error)}`);
  return { error, snapshot: JSON.parse(JSON.stringify(error.snapshot)) as RunSnapshot, sent, lookups };
}

describe('TinyCodeAgent approvals', () => {
  it('pauses before a block that calls a tool needing approval, showing the code and the calls', async () => {
    const { error, sent, lookups } = await pause();

    expect(error.pendingApprovals).toEqual([
      {
        kind: 'code',
        callId: 'code-2',
        step: 2,
        code: "const receipt = send_email({ to: address, body: 'Hi' });\nconsole.log(receipt)",
        calls: [{ toolName: 'send_email', source: "send_email({ to: address, body: 'Hi' })" }],
      },
    ]);
    expect(sent).toEqual([]);
    expect(lookups).toEqual(['Ada']);
  });

  it('resumes an approved block in a fresh agent: earlier blocks replay from the journal, nothing runs twice', async () => {
    const paused = await pause();
    const { tools, sent, lookups } = createApprovalTools();
    const model = createScriptedModel(SCRIPT.slice(2));

    const result = await new TinyCodeAgent({ tools, chatModel: model }).resume(paused.snapshot, {
      approvals: { 'code-2': { approved: true } },
      returnResult: true,
    });

    // The variables of step 1 were rebuilt by replay, with the recorded tool result and randomness.
    const stamp = /at (0\.\d+)$/.exec(result.output)?.[1];
    expect(result.output).toBe(`sent to ada@example.com at ${stamp}`);
    expect(sent).toEqual(['ada@example.com']);
    expect(lookups).toEqual([]);
    expect(model.remaining).toBe(0);
  });

  it('tells the model a declined block did not run', async () => {
    const paused = await pause();
    const { tools, sent } = createApprovalTools();
    const model = createScriptedModel([js("final_answer('not sent')")]);

    const answer = await new TinyCodeAgent({ tools, chatModel: model }).resume(paused.snapshot, {
      approvals: { 'code-2': { approved: false, reason: 'not today' } },
    });

    expect(answer).toBe('not sent');
    expect(sent).toEqual([]);
    expect(model.requests[0]?.messages.at(-1)?.content).toContain(
      'The user declined running this code, so none of it ran. Reason: not today',
    );
  });

  it('refuses a call that reaches an approval tool indirectly, telling the model to call it directly', async () => {
    const { tools, sent } = createApprovalTools();
    const model = createScriptedModel([
      js(
        "const send = globalThis['send_' + 'email'];\ntry { send({ to: 'x@example.com', body: 'Hi' }) } catch (error) { console.log(String(error)) }",
      ),
      js("final_answer('done')"),
    ]);

    const result = await new TinyCodeAgent({ tools, chatModel: model }).run('Email.', { returnResult: true });

    expect(result.output).toBe('done');
    expect(sent).toEqual([]);
    expect(JSON.stringify(model.requests[1]?.messages)).toContain(
      "tool 'send_email' needs approval, and this code reaches it indirectly",
    );
  });
});

describe('TinyCodeAgent resume', () => {
  it('resumes from the snapshot of every step in a fresh agent, to the same transcript', async () => {
    // Step 1 reads randomness and the clock, step 2 prints them: every resume replays step 1, and
    // must reproduce them exactly for the transcript to match.
    const script = [
      js("const address = lookup({ name: 'Ada' }); const stamp = Math.random(); const now = Date.now();"),
      js('console.log(stamp, now)'),
      js('final_answer(`${address} ${stamp} ${now}`)'),
    ];
    const first = createApprovalTools();
    const snapshots: RunSnapshot[] = [];
    const whole = await new TinyCodeAgent({ tools: first.tools, chatModel: createScriptedModel(script) }).run(
      'Find Ada.',
      {
        returnResult: true,
        onSnapshot: (snapshot) => void snapshots.push(JSON.parse(JSON.stringify(snapshot)) as RunSnapshot),
      },
    );
    expect(whole.output).toMatch(/^ada@example\.com 0\.\d+ \d{13}$/);

    for (const snapshot of snapshots) {
      const { tools, lookups } = createApprovalTools();
      const model = createScriptedModel(script.slice(snapshot.step));

      const resumed = await new TinyCodeAgent({ tools, chatModel: model }).resume(snapshot, { returnResult: true });

      expect(resumed.messages).toEqual(whole.messages);
      expect(resumed.output).toBe(whole.output);
      expect(lookups).toEqual([]);
    }
    expect(first.lookups).toEqual(['Ada']);
  });

  it('ends a replay whose code makes other tool calls than recorded with a ReplayDivergedError naming the step', async () => {
    const { snapshot } = await pause();
    // As if the code of step 1 had looked up someone else when the snapshot was taken.
    const tampered = {
      ...snapshot,
      journal: snapshot.journal.map((entry) =>
        entry.call?.name === 'lookup' ? { ...entry, call: { name: 'lookup', arguments: { name: 'Bob' } } } : entry,
      ),
    };
    const { tools, lookups } = createApprovalTools();

    const result = await new TinyCodeAgent({ tools, chatModel: createScriptedModel([]) }).resume(tampered, {
      approvals: { 'code-2': { approved: true } },
      returnResult: true,
    });

    expect(result.state).toBe('error');
    expect(ReplayDivergedError.isInstance(result.error)).toBe(true);
    expect(result.error).toMatchObject({ step: 1, stepId: '1/tool/call-1' });
    expect(lookups).toEqual([]);
  });
});
