import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AgentEvent, EventEnvelope } from './agent-events.ts';
import type { AgentProtocol } from './agent-protocol.ts';
import { Agent } from './agent.ts';
import type { ChatModel } from '../model/chat-model.ts';
import { createScriptedModel } from '../testing/scripted-model.ts';
import { multiply } from './test-fixtures.ts';

/** The test agent's own event: a note it took from the model's reply. */
interface NoteEvent extends EventEnvelope {
  type: 'note-taken';
  text: string;
}

// Takes a note of each reply; the second reply is the answer.
function createNoteProtocol(options: { describe?: boolean; onClose?: () => void } = {}): AgentProtocol<NoteEvent> {
  return {
    agentName: 'NoteAgent',
    systemPrompt: 'You take notes.',
    ...(options.describe === false ? {} : { describeEvent: (event: NoteEvent) => [`  note: ${event.text}`] }),
    start: (run) => ({
      step: async () => {
        const reply = await run.callModel({});
        run.emit({ type: 'note-taken', text: reply.content ?? '' });
        if (run.step === 2) run.finish(reply.content);
      },
      ...(options.onClose === undefined ? {} : { close: options.onClose }),
    }),
  };
}

function createNoteAgent(model: ChatModel, protocol = createNoteProtocol()): Agent<NoteEvent> {
  return new Agent({ protocol, model, tools: [multiply], defaultMaxSteps: 3 });
}

// Captures what the verbose trace writes to stderr (afterEach restores it).
function captureStderr(): string[] {
  const written: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((text) => {
    written.push(String(text));
    return true;
  });
  return written;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("an agent's own events", () => {
  it("refuse a type of core's own, which would pass for core's event", async () => {
    const protocol: AgentProtocol<NoteEvent> = {
      agentName: 'NoteAgent',
      systemPrompt: 'You take notes.',
      start: (run) => ({
        step: async () => {
          const reply = await run.callModel({});
          run.emit({ type: 'tool-end', text: '' } as never);
          run.finish(reply.content);
        },
      }),
    };

    const result = await createNoteAgent(createScriptedModel(['42']), protocol).run('Note.', { returnResult: true });

    expect(result.error?.message).toBe(
      "emit: 'tool-end' is one of core's event types; give the agent's event a type of its own.",
    );
  });

  it('reach onEvent in order, with the envelope the run fills in', async () => {
    const events: (AgentEvent | NoteEvent)[] = [];

    const result = await createNoteAgent(createScriptedModel(['thinking', '42'])).run('Note it.', {
      returnResult: true,
      onEvent: (event) => events.push(event),
    });

    const notes = events.filter((event) => event.type === 'note-taken');
    expect(notes).toEqual([
      { type: 'note-taken', text: 'thinking', runId: result.metadata.runId, step: 1, seq: 5 },
      { type: 'note-taken', text: '42', runId: result.metadata.runId, step: 2, seq: 9 },
    ]);
    expect(events.map((event) => event.type).slice(1, 5)).toEqual([
      'step-start',
      'model-request',
      'model-response',
      'note-taken',
    ]);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
  });

  it('land in the step record of the step that emitted them, listened to or not', async () => {
    const result = await createNoteAgent(createScriptedModel(['thinking', '42'])).run('Note it.', {
      returnResult: true,
    });

    expect(result.steps.map((record) => record.agentEvents)).toEqual([
      [expect.objectContaining({ type: 'note-taken', text: 'thinking', step: 1 })],
      [expect.objectContaining({ type: 'note-taken', text: '42', step: 2 })],
    ]);
  });

  it('are printed by the verbose trace through the protocol describeEvent', async () => {
    const written = captureStderr();

    await createNoteAgent(createScriptedModel(['thinking', '42'])).run('Note it.', { verbose: true });

    const trace = written.join('');
    expect(trace).toContain('--- step 1/3\nmodel: thinking\n  note: thinking\n--- step 2/3');
    expect(trace).toContain('  note: 42\n[tinyagent] final answer: 42');
  });

  it('are left out of the verbose trace when the protocol does not describe them', async () => {
    const written = captureStderr();
    const protocol = createNoteProtocol({ describe: false });

    await createNoteAgent(createScriptedModel(['thinking', '42']), protocol).run('Note it.', { verbose: true });

    expect(written.join('')).not.toContain('note:');
    expect(written.join('')).toContain('final answer: 42');
  });
});

describe('Agent.stream', () => {
  it("yields core's events and the agent's own, ending with run-end", async () => {
    const types: string[] = [];

    for await (const event of createNoteAgent(createScriptedModel(['thinking', '42'])).stream('Note it.')) {
      types.push(event.type);
    }

    expect(types.filter((type) => type === 'note-taken')).toHaveLength(2);
    expect(types.at(-1)).toBe('run-end');
  });

  it('aborts the run and closes the protocol when the consumer stops early', async () => {
    let closed = 0;
    const protocol = createNoteProtocol({ onClose: () => (closed += 1) });
    const model = createScriptedModel(['thinking', { content: '42', delayMs: 24 * 60 * 60 * 1000 }]);
    const events: (AgentEvent | NoteEvent)[] = [];

    for await (const event of createNoteAgent(model, protocol).stream('Note it.', {
      onEvent: (seen) => events.push(seen),
    })) {
      if (event.type === 'note-taken') break;
    }

    expect(closed).toBe(1);
    const end = events.at(-1);
    expect(end?.type === 'run-end' ? end.result.state : undefined).toBe('aborted');
  });
});
