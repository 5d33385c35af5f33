// The hostile-mix code soak's scenario: which runs are hostile, what their code does, and how the
// scripted model answers. The model reads only the task and the last observation, so any number of
// concurrent runs can share it, and a run that sees another run's state or tool reply answers wrong.
import { tool, z } from '@tinyagent/core';
import type { RecordedChatRequest, ScriptedReply } from '@tinyagent/testing';
import { createRandom } from './random.ts';

/** What a hostile execution does. */
export type HostileKind = 'loop' | 'memory' | 'stack' | 'late-tool';

/** One run of the soak: its task and the answer it must end with. */
export interface CodeSoakRun {
  task: string;
  hostile: HostileKind | undefined;
  expected: string;
}

const HOSTILE_KINDS: readonly HostileKind[] = ['loop', 'memory', 'stack', 'late-tool'];

// Each hostile execution leaves this global behind (when its sandbox survives): a normal run that
// can see it adds a million to its answer, which is then wrong.
const MARK = 'globalThis.hostileMark = 1;';

const HOSTILE_CODE: Readonly<Record<HostileKind, string>> = {
  loop: `${MARK}\nfor (;;) {}`,
  memory: `${MARK}\nconst pile = [];\nfor (;;) pile.push("x".repeat(100000) + pile.length);`,
  stack: `${MARK}\nconst deeper = (n) => deeper(n + 1) + 1;\ndeeper(0);`,
  // The interrupt is caught, and the code calls a tool after its deadline: the call must never run.
  'late-tool': `${MARK}\ntry { for (;;) {} } catch {}\nadd({ a: -1, b: -1 });`,
};

// What the model reads in the observation of each hostile kind: its typed error.
const EXPECTED_ERROR: Readonly<Record<HostileKind, string>> = {
  loop: 'TimeoutError',
  memory: 'out of memory',
  stack: 'stack overflow',
  'late-tool': 'TimeoutError',
};

const ERRORS = ['TimeoutError', 'out of memory', 'stack overflow'];

/** `count` runs, `hostileShare` of them hostile (seeded); every run's numbers differ. */
export function createCodeSoakRuns(count: number, hostileShare: number, seed: number): CodeSoakRun[] {
  const random = createRandom(seed);
  return Array.from({ length: count }, (_, index): CodeSoakRun => {
    if (random.next() < hostileShare) {
      const kind = random.pick(HOSTILE_KINDS);
      return { task: `Run ${index}: hostile ${kind}`, hostile: kind, expected: EXPECTED_ERROR[kind] };
    }
    const a = random.integer(1, 100_000);
    const b = random.integer(1, 100_000);
    return { task: `Run ${index}: add ${a} ${b}`, hostile: undefined, expected: String((a + b) * 2) };
  });
}

/** Calls of `add` made after their execution's deadline; must stay 0. */
export const lateCalls = { count: 0 };

/** The tool every run's code calls. */
export const add = tool({
  name: 'add',
  description: 'Adds two numbers.',
  parameters: z.object({ a: z.number(), b: z.number() }),
  execute: ({ a, b }) => {
    if (a === -1 && b === -1) lateCalls.count += 1;
    return a + b;
  },
});

/** The scripted model's answer to one request of any run. */
export function answerCodeSoak(request: RecordedChatRequest): ScriptedReply {
  const content = request.messages.find((message) => message.role === 'user')?.content;
  // The task is one of ours: `Run <n>: add <a> <b>` or `Run <n>: hostile <kind>`.
  const [, , verb = '', first = '', second = ''] = (typeof content === 'string' ? content : '').split(' ');
  const turns = request.messages.filter((message) => message.role === 'assistant').length;
  if (verb === 'hostile') {
    if (turns === 0) return code(HOSTILE_CODE[first as HostileKind]);
    const last = request.messages.at(-1)?.content;
    const observation = typeof last === 'string' ? last : '';
    return code(`final_answer(${JSON.stringify(ERRORS.find((error) => observation.includes(error)) ?? 'none')})`);
  }
  if (turns === 0) return code(`const sum = add({ a: ${first}, b: ${second} });\nconsole.log(sum)`);
  return code('final_answer(String(sum * 2 + (typeof hostileMark === "undefined" ? 0 : 1000000)))');
}

function code(source: string): ScriptedReply {
  return { content: `\`\`\`js\n${source}\n\`\`\`` };
}
