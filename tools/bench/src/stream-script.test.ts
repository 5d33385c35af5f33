import { describe, expect, it } from 'vitest';
import {
  parseStreamRequest,
  streamCompletion,
  streamEvents,
  streamModelName,
  streamPiece,
  streamProblem,
  streamTask,
  streamText,
} from './stream-script.ts';

const plan = { deltas: 5, deltaChars: 8, seed: 3 };

function parse(events: Iterable<string>): unknown[] {
  return [...events].map((event) => {
    expect(event).toMatch(/^data: .*\n\n$/s);
    const data = event.slice('data: '.length, -2);
    return data === '[DONE]' ? data : (JSON.parse(data) as unknown);
  });
}

describe('streamModelName and parseStreamRequest', () => {
  it('name the reply by its shape and pick the text by the seed in the task', () => {
    const model = streamModelName(plan);

    expect(model).toBe('bench-stream-5x8');
    expect(parseStreamRequest(model, streamTask(3))).toEqual(plan);
    expect(parseStreamRequest(model, ` ${streamTask(3)}\n`)).toEqual(plan);
  });

  it('refuse other models and tasks, and replies too large to build', () => {
    expect(parseStreamRequest('bench-latency-0', streamTask(3))).toBeUndefined();
    expect(parseStreamRequest('bench-stream-5x8', 'Add 1 and 2.')).toBeUndefined();
    expect(parseStreamRequest('bench-stream-0x8', streamTask(3))).toBeUndefined();
    expect(parseStreamRequest('bench-stream-100000000x8', streamTask(3))).toBeUndefined();
  });
});

describe('streamPiece and streamText', () => {
  it('make pieces of exactly deltaChars digits and a comma, different per seed', () => {
    for (const deltaChars of [2, 8, 64]) {
      for (let index = 0; index < 20; index += 1) {
        expect(streamPiece({ ...plan, deltaChars }, index)).toMatch(new RegExp(`^\\d{${deltaChars - 1}},$`));
      }
    }
    expect(streamText(plan)).toHaveLength(plan.deltas * plan.deltaChars);
    expect(streamText(plan)).not.toBe(streamText({ ...plan, seed: 4 }));
    expect(streamText(plan).startsWith(streamPiece(plan, 0) + streamPiece(plan, 1))).toBe(true);
  });
});

describe('streamEvents', () => {
  it('streams a role chunk, one chunk per piece, the finish chunk, usage on request, then [DONE]', () => {
    const events = parse(streamEvents(plan, 'bench-stream-5x8', true));

    expect(events).toHaveLength(1 + plan.deltas + 1 + 1 + 1);
    expect(events[0]).toMatchObject({ object: 'chat.completion.chunk', choices: [{ delta: { role: 'assistant' } }] });
    const pieces = events.slice(1, 1 + plan.deltas) as { choices: { delta: { content: string } }[] }[];
    expect(pieces.map((chunk) => chunk.choices[0]?.delta.content).join('')).toBe(streamText(plan));
    expect(events[1 + plan.deltas]).toMatchObject({ choices: [{ delta: {}, finish_reason: 'stop' }] });
    expect(events[2 + plan.deltas]).toMatchObject({ choices: [], usage: { completion_tokens: plan.deltas } });
    expect(events.at(-1)).toBe('[DONE]');
  });

  it('leaves the usage chunk out when the request did not ask for it', () => {
    const events = parse(streamEvents(plan, 'bench-stream-5x8', false));

    expect(events).toHaveLength(1 + plan.deltas + 1 + 1);
    expect(JSON.stringify(events)).not.toContain('usage');
  });

  it('answers a request without a stream with the same text in one completion', () => {
    expect(streamCompletion(plan, 'bench-stream-5x8')).toMatchObject({
      object: 'chat.completion',
      choices: [{ message: { content: streamText(plan) }, finish_reason: 'stop' }],
    });
  });
});

describe('streamProblem', () => {
  it('accepts a run whose assembled text and answer are the reply, and says where others differ', () => {
    const expected = streamText(plan);

    expect(streamProblem({ text: expected, answer: expected }, expected)).toBeUndefined();
    expect(streamProblem({ text: expected.slice(0, 16), answer: expected }, expected)).toMatch(
      /^assembled text differs at character 16 of 40 \(16 received\)/,
    );
    expect(streamProblem({ text: expected, answer: 'run error: boom' }, expected)).toMatch(/^final answer differs at/);
  });
});
