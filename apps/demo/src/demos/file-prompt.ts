import { fileURLToPath } from 'node:url';
import { tool, z } from '@tinyagent/core';
import { ReactAgent } from '@tinyagent/react-agent';
import type { Demo } from '../demo.ts';
import type { ScriptedBrain } from '../provider.ts';
import { textOf } from '../scripted-brains.ts';

const multiply = tool({
  name: 'multiply',
  description: 'Multiply two numbers.',
  parameters: z.object({ a: z.number(), b: z.number() }),
  execute: ({ a, b }) => a * b,
});

const promptPath = (name: string): string => fileURLToPath(new URL(`../../prompts/${name}`, import.meta.url));

const PROMPT_FILES = ['concise.txt', 'teacher.md', 'formal.xml', 'missing.md'];
const QUESTION = 'What is 6 times 7?';

// The scripted brain cannot follow a prompt's style; it says which prompt reached it instead, which
// is what this demo is about.
const brain: ScriptedBrain = (request) => {
  const messages = request.body.messages;
  const system = textOf(messages[0]?.content);
  const observation = messages.findLast((message) => message.role === 'user' && message !== messages[1]);
  if (observation === undefined) {
    return JSON.stringify({ scratchpad: 'Multiply.', tool: 'multiply', arguments: { a: 6, b: 7 } });
  }
  const firstLine = system.split('\n').find((line) => line.trim() !== '') ?? '';
  const product = textOf(observation.content).replace(/^Observation:\s*/, '');
  return JSON.stringify({
    scratchpad: 'The tool answered.',
    answer: `6 × 7 = ${product}. (The system prompt I was given begins: "${firstLine.trim().slice(0, 70)}")`,
  });
};

/** The seed's file-prompt demo: system prompts loaded from .txt, .md and .xml files, and the fallback for a missing file. */
export const filePromptDemo: Demo = {
  name: 'file-prompt',
  summary: 'system prompts loaded from .txt, .md and .xml files, and the fallback when the file is missing',
  interactive: false,
  brain,
  async run(session, model) {
    for (const file of PROMPT_FILES) {
      session.say(
        `\nprompt file: prompts/${file}${file === 'missing.md' ? ' (does not exist: expect a warning and the default prompt)' : ''}`,
      );
      const agent = new ReactAgent({ ...model, tools: [multiply], promptFile: promptPath(file), temperature: 0 });
      session.say(`  system prompt starts: ${agent.systemPrompt.split('\n', 1)[0] ?? ''}`);
      await session.ask(agent, QUESTION);
    }
  },
};
