import { monitorEventLoopDelay } from 'node:perf_hooks';
import { tool } from '@tinyagent/core';
import { createScriptedModel } from '@tinyagent/testing';
import { describe, expect, it } from 'vitest';
import { TinyCodeAgent } from './code-agent.ts';
import { extractCode } from './code-extraction.ts';

type Histogram = ReturnType<typeof monitorEventLoopDelay>;

// Model replies are untrusted text parsed on the main thread. Each shape below made one of the old
// patterns backtrack quadratically: at this size each one blocked the event loop for seconds.
const RUN = 60_000;
const SHAPES: Readonly<Record<string, string>> = {
  'a fence line of tildes ending in a backtick': `~~~${'~'.repeat(RUN)}\``,
  'a fence line of blanks ending in a backtick': `\`\`\`${' \t'.repeat(RUN / 2)}\``,
  'a block with a long run of spaces inside a line': `\`\`\`js\nx${' '.repeat(RUN)}y\n\`\`\``,
  'a block with a long run of blank lines': `\`\`\`js\nx${'\n'.repeat(RUN)}y\n\`\`\``,
  'many <code openings that never close': '<code '.repeat(RUN / 6),
  'a <code> element with a long run of spaces': `<code>x${' '.repeat(RUN)}y`,
};

// The bound only tells "the loop kept turning" from "it was blocked for the whole parse" (seconds
// before the fix); timing targets belong to the bench.
const BLOCKED_MS = 1000;

function watchEventLoop(): Histogram {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  return histogram;
}

// Two turns of the loop: the histogram's timer, overdue after any block, has run by then.
async function maxDelayMs(histogram: Histogram): Promise<number> {
  for (let turn = 0; turn < 2; turn += 1) await new Promise((resolve) => setImmediate(resolve));
  histogram.disable();
  return histogram.max / 1e6;
}

const noop = tool({ name: 'noop', description: 'Does nothing.', execute: () => undefined });

describe('adversarial model replies', () => {
  it('extracts code from hundreds of KB shaped against the old patterns without blocking the event loop', async () => {
    const histogram = watchEventLoop();

    const found = Object.values(SHAPES).map((reply) => extractCode(reply)?.code.length);

    expect(await maxDelayMs(histogram)).toBeLessThan(BLOCKED_MS);
    expect(found).toEqual([undefined, undefined, RUN + 2, RUN + 2, undefined, RUN + 2]);
  });

  it('keeps the event loop turning through a whole run fed such replies', async () => {
    const chatModel = createScriptedModel([
      SHAPES['many <code openings that never close'] ?? '',
      [
        SHAPES['a fence line of tildes ending in a backtick'],
        SHAPES['a fence line of blanks ending in a backtick'],
        `\`\`\`js\nfinal_answer("survived")${' '.repeat(RUN)}${'\n'.repeat(RUN)}`,
      ].join('\n'),
    ]);
    const agent = new TinyCodeAgent({ tools: [noop], chatModel });
    const histogram = watchEventLoop();

    const answer = await agent.run('Anything');

    expect(await maxDelayMs(histogram)).toBeLessThan(BLOCKED_MS);
    expect(answer).toBe('survived');
  });
});
