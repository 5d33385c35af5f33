import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { tool, z } from '@tinyagent/core';
import { ReactAgent } from '@tinyagent/react-agent';
import type { Demo } from '../demo.ts';
import type { ScriptedBrain } from '../provider.ts';
import { textOf } from '../scripted-brains.ts';

const PROMPT = fileURLToPath(new URL('../../prompts/game-master.xml', import.meta.url));
const STORY_LINES = 8;

const rollDice = tool({
  name: 'roll_dice',
  description: 'Roll dice for an uncertain outcome.',
  parameters: z.object({
    sides: z.number().int().min(2).max(100).default(20).describe('sides per die'),
    count: z.number().int().min(1).max(10).default(1).describe('how many dice'),
  }),
  execute: ({ sides, count }) => {
    const rolls = Array.from({ length: count }, () => 1 + Math.floor(Math.random() * sides));
    return { rolls, total: rolls.reduce((sum, roll) => sum + roll, 0) };
  },
});

function createShipStatus() {
  return tool({
    name: 'ship_status',
    description: "The Kestrel's current state: hull, shields, fuel, crew and position.",
    execute: () => ({
      hull: '82%',
      shields: 'online',
      fuel: '61%',
      crew: 4,
      position: 'holding 2 km off the derelict station',
    }),
  });
}

const ACTION_WORDS = /\b(roll|attack|fire|shoot|dodge|jump|fight|hack|sneak|board|climb|run)\b/i;
const STATUS_WORDS = /\b(status|ship|damage|fuel|hull|shields)\b/i;

// Offline the game master is a script: it rolls for risky actions and reads the ship's status when
// asked, and says plainly that it is a script.
const brain: ScriptedBrain = (request) => {
  const messages = request.body.messages;
  const question = textOf(messages.find((message) => message.role === 'user')?.content);
  const action = question.slice(question.lastIndexOf('Player:') + 'Player:'.length).trim();
  const observation =
    messages.length > 2 ? textOf(messages.at(-1)?.content).replace(/^Observation:\s*/, '') : undefined;
  const say = (answer: string): string =>
    JSON.stringify({ scratchpad: 'Narrate.', answer: `(scripted game master) ${answer}` });
  if (STATUS_WORDS.test(action)) {
    if (observation === undefined)
      return JSON.stringify({ scratchpad: 'Check the ship.', tool: 'ship_status', arguments: {} });
    return say(`The console flickers: ${observation}. What do you do next?`);
  }
  if (ACTION_WORDS.test(action)) {
    if (observation === undefined)
      return JSON.stringify({ scratchpad: 'Uncertain: roll.', tool: 'roll_dice', arguments: { sides: 20 } });
    const total = Number((JSON.parse(observation) as { total?: number }).total);
    const outcome = total >= 10 ? 'and it works' : 'but it goes wrong';
    return say(`You try to ${action.toLowerCase()} — the die shows ${total}, ${outcome}. What do you do next?`);
  }
  return say(`You ${action.toLowerCase()}. Somewhere in the station a hatch groans open. What do you do next?`);
};

/** The seed's rpg demo: an interactive game master with an XML prompt, reading turns until `quit`. */
export const rpgDemo: Demo = {
  name: 'rpg',
  summary: 'an interactive game master with an XML prompt (roll_dice, ship_status); type quit to leave',
  interactive: true,
  brain,
  async run(session, model) {
    const agent = new ReactAgent({
      ...model,
      tools: [rollDice, createShipStatus()],
      promptFile: PROMPT,
      temperature: 0.9,
    });
    const story: string[] = [];
    session.say('You are aboard the freighter Kestrel, near a silent station. Type what you do, or "quit".');
    const lines = createInterface({ input: session.stdin, crlfDelay: Infinity, terminal: false });
    // Ctrl-C while waiting for the player's next line ends the game, as it ends a run.
    const stop = (): void => lines.close();
    session.signal.addEventListener('abort', stop, { once: true });
    session.log.write('> ');
    for await (const line of lines) {
      const action = line.trim();
      if (/^(quit|exit)$/i.test(action)) break;
      if (action !== '') {
        const task = `Story so far:\n${story.join('\n') || '(the adventure begins)'}\n\nPlayer: ${action}`;
        const result = await session.ask(agent, task, action);
        story.push(`Player: ${action}`, `Game master: ${result.output}`);
        story.splice(0, Math.max(0, story.length - STORY_LINES));
      }
      session.log.write('> ');
    }
    lines.close();
    session.signal.removeEventListener('abort', stop);
    session.say(session.signal.aborted ? '\nInterrupted. Goodbye.' : '\nThe Kestrel drifts on. Goodbye.');
  },
};
