import { tool, z } from '@tinyagent/core';
import { ReactAgent } from '@tinyagent/react-agent';
import type { Demo } from '../demo.ts';
import { jsonProtocolBrain } from '../scripted-brains.ts';
import type { ScriptedPlan } from '../scripted-brains.ts';

const operands = z.object({ a: z.number().describe('first operand'), b: z.number().describe('second operand') });

const add = tool({ name: 'add', description: 'Add two numbers.', parameters: operands, execute: ({ a, b }) => a + b });
const subtract = tool({
  name: 'subtract',
  description: 'Subtract b from a.',
  parameters: operands,
  execute: ({ a, b }) => a - b,
});
const multiply = tool({
  name: 'multiply',
  description: 'Multiply two numbers.',
  parameters: operands,
  execute: ({ a, b }) => a * b,
});
const divide = tool({
  name: 'divide',
  description: 'Divide a by b.',
  parameters: operands,
  execute: ({ a, b }) => {
    if (b === 0) throw new RangeError('cannot divide by zero');
    return a / b;
  },
});

const QUESTIONS = [
  'What is (12 + 8) * 3?',
  'A shop sells 7 boxes of 24 pencils and gives away 30 pencils. How many pencils are left?',
  'Divide 1000 by 8, then subtract 25. What do you get?',
];

const result = (observations: readonly string[], index: number): number => Number(observations[index]);

const PLANS: ScriptedPlan[] = [
  {
    question: QUESTIONS[0] ?? '',
    turns: [
      () => ({ thought: 'First the sum in brackets.', tool: 'add', arguments: { a: 12, b: 8 } }),
      (seen) => ({ thought: 'Now times 3.', tool: 'multiply', arguments: { a: result(seen, 0), b: 3 } }),
      (seen) => ({ thought: 'The last result is the answer.', answer: `(12 + 8) * 3 = ${seen[1]}` }),
    ],
  },
  {
    question: QUESTIONS[1] ?? '',
    turns: [
      () => ({ thought: 'Count the pencils first.', tool: 'multiply', arguments: { a: 7, b: 24 } }),
      (seen) => ({ thought: 'Take away the 30.', tool: 'subtract', arguments: { a: result(seen, 0), b: 30 } }),
      (seen) => ({ thought: 'That is what is left.', answer: `${seen[1]} pencils are left.` }),
    ],
  },
  {
    question: QUESTIONS[2] ?? '',
    turns: [
      () => ({ thought: 'Divide first.', tool: 'divide', arguments: { a: 1000, b: 8 } }),
      (seen) => ({ thought: 'Then subtract 25.', tool: 'subtract', arguments: { a: result(seen, 0), b: 25 } }),
      (seen) => ({ thought: 'Done.', answer: `1000 / 8 - 25 = ${seen[1]}` }),
    ],
  },
];

/** The seed's simple demo: a ReactAgent with four arithmetic tools on three multi-step questions. */
export const simpleDemo: Demo = {
  name: 'simple',
  summary: 'ReactAgent with add/subtract/multiply/divide on three multi-step questions',
  interactive: false,
  brain: jsonProtocolBrain(PLANS),
  async run(session, model) {
    const agent = new ReactAgent({ ...model, tools: [add, subtract, multiply, divide], temperature: 0 });
    for (const question of QUESTIONS) await session.ask(agent, question);
  },
};
