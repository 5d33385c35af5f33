import { ConfigurationError, RunAbortedError, StepLimitReached, tool, z } from '@tinyagent/core';
import type { AgentEvent, RunResult, Tool } from '@tinyagent/core';
import { captureLogs, createScriptedModel, startFakeOpenAI } from '@tinyagent/testing';
import type { FakeOpenAIOptions, FakeOpenAIServer } from '@tinyagent/testing';
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { TinyCodeAgent } from './code-agent.ts';
import type { CodeEvent } from './code-events.ts';
import type { SandboxPool } from './sandbox/sandbox-pool.ts';
import { NO_CODE_CORRECTION } from './code-protocol.ts';
import { createSandboxPool } from './sandbox/sandbox-pool.ts';

const getWeather = tool({
  name: 'get_weather',
  description: 'Current weather for a city.',
  parameters: z.object({
    city: z.string().describe('City name, e.g. "Paris"'),
    units: z.enum(['c', 'f']).optional(),
  }),
  returns: z.object({ city: z.string(), celsius: z.number() }),
  execute: ({ city }) => ({ city, celsius: city === 'Paris' ? 21 : 15 }),
});

let server: FakeOpenAIServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function createAgent(
  options: FakeOpenAIOptions,
  tools: readonly Tool[] = [getWeather],
  pool?: SandboxPool,
): Promise<TinyCodeAgent> {
  server = await startFakeOpenAI(options);
  return new TinyCodeAgent({ tools, baseURL: server.url, model: 'fake-model', pool });
}

const js = (code: string): string => `Let me do that.\n\n\`\`\`js\n${code}\n\`\`\``;

/** The user messages the agent sent after each model reply (observations and corrections). */
function feedback(): string[] {
  const last = server?.requests.at(-1)?.body.messages ?? [];
  return last
    .filter((message, index) => index > 1 && message.role === 'user')
    .map((message) => String(message.content));
}

describe('TinyCodeAgent loop', () => {
  it('runs the code, calls tools as functions and ends with final_answer', async () => {
    const agent = await createAgent({
      script: [
        js('const w = get_weather({ city: "Paris" });\nconsole.log(w.celsius);'),
        js('final_answer(`It is ${w.celsius} °C`)'),
      ],
    });

    await expect(agent.run('Weather in Paris?')).resolves.toBe('It is 21 °C');
    expect(feedback()).toEqual(['Observation:\n21\n']);
  });

  it('calls the model at temperature 0 with a prompt listing each tool as a typed signature', async () => {
    const agent = await createAgent({ script: [js('final_answer("done")')] });

    await agent.run('Anything');

    const body = server!.requests[0]!.body;
    expect(body.temperature).toBe(0);
    expect(body.stop).toEqual(['\nObservation:']);
    const system = String(body.messages[0]!.content);
    expect(system).toContain('// Current weather for a city.');
    expect(system).toContain('//   city: City name, e.g. "Paris"');
    expect(system).toContain(
      'function get_weather(args: { city: string, units?: "c" | "f" }): { city: string, celsius: number }',
    );
    expect(system).toContain('final_answer(answer) exactly once');
    expect(body.messages[1]).toEqual({ role: 'user', content: 'Anything' });
  });

  it('shows the value of the last expression when nothing was printed', async () => {
    const agent = await createAgent({
      script: [js('const a = [1, 2, 3];\na.map((x) => x * 2)'), js('final_answer(a.length)')],
    });

    await expect(agent.run('Double them')).resolves.toBe('3');
    expect(feedback()).toEqual(['Observation:\n[ 2, 4, 6 ]\n']);
  });

  it('reports exceptions with their name, message and line, and lets the model fix them', async () => {
    const agent = await createAgent({
      script: [js('const x = 1;\nconsole.log("before");\nundefinedFunction(x);'), js('final_answer(x + 1)')],
    });

    await expect(agent.run('Try')).resolves.toBe('2');
    expect(feedback()).toEqual([
      "Observation:\nbefore\nExecution error: ReferenceError: 'undefinedFunction' is not defined (line 3)\n",
    ]);
  });

  it('keeps variables across the steps of one run and starts every run fresh', async () => {
    const agent = await createAgent({
      handler: ({ body }) => {
        const turns = body.messages.filter((message) => message.role === 'assistant').length;
        return turns === 0
          ? js('var counter = (typeof counter === "number" ? counter : 0) + 1; counter')
          : js('final_answer(counter)');
      },
    });

    await expect(agent.run('First')).resolves.toBe('1');
    await expect(agent.run('Second')).resolves.toBe('1');
  });

  it('never lets concurrent runs see each other’s state', async () => {
    const agent = await createAgent({
      handler: ({ body }) => {
        const task = String(body.messages[1]!.content);
        const turns = body.messages.filter((message) => message.role === 'assistant').length;
        if (turns === 0)
          return js(`const secret = ${JSON.stringify(task)}; globalThis.shared = (globalThis.shared ?? "") + secret;`);
        return js('final_answer(`${secret}|${shared}`)');
      },
    });

    const answers = await Promise.all(['alpha', 'beta', 'gamma'].map((task) => agent.run(task)));

    expect(answers).toEqual(['alpha|alpha', 'beta|beta', 'gamma|gamma']);
  });

  it('runs many concurrent runs on its own pool, several sandboxes to a worker, each with its own state', async () => {
    const pool = createSandboxPool({ workers: 2 });
    const agent = await createAgent(
      {
        handler: ({ body }) => {
          const task = String(body.messages[1]!.content);
          const turns = body.messages.filter((message) => message.role === 'assistant').length;
          if (turns === 0)
            return js(`globalThis.secret = ${JSON.stringify(task)}; get_weather({ city: secret }).celsius`);
          return js('final_answer(`${secret}|${get_weather({ city: secret }).city}`)');
        },
      },
      [getWeather],
      pool,
    );
    const tasks = Array.from({ length: 30 }, (_, index) => `city-${index}`);

    const answers = await Promise.all(tasks.map((task) => agent.run(task)));

    expect(answers).toEqual(tasks.map((task) => `${task}|${task}`));
    expect(pool.loads()).toHaveLength(2);
    pool.close();
  });

  it('asks for a code block when the reply has none, and the step counts', async () => {
    const agent = await createAgent({ script: ['I think the answer is 4.', js('final_answer(4)')] });

    const result = await agent.run('2 + 2?', { returnResult: true });

    expect(result.output).toBe('4');
    expect(result.stepsTaken).toBe(2);
    expect(feedback()).toEqual([NO_CODE_CORRECTION]);
  });

  it('sends JSON for non-string answers and cuts answers at the limit', async () => {
    server = await startFakeOpenAI({
      script: [js('final_answer({ items: [1, 2], ok: true })'), js('final_answer("x".repeat(5000))')],
    });
    const agent = new TinyCodeAgent({ tools: [getWeather], baseURL: server.url, limits: { maxAnswerChars: 2000 } });

    await expect(agent.run('Structured')).resolves.toBe('{"items":[1,2],"ok":true}');
    const long = await agent.run('Long', { returnResult: true });
    expect(long.output).toBe('x'.repeat(2000));
    expect(long.finalAnswer?.metadata).toMatchObject({ originalLength: 5000 });
  });

  it('reports a second final_answer in one execution to the model as MultipleFinalAnswers', async () => {
    const agent = await createAgent({
      script: [js('final_answer("a");\nfinal_answer("b");'), js('final_answer("b")')],
    });

    await expect(agent.run('Answer')).resolves.toBe('b');
    expect(feedback()[0]).toMatch(
      /^Observation:\nExecution error: MultipleFinalAnswers: final_answer was called 2 times/,
    );
  });

  it('throws StepLimitReached without a final attempt, or returns it in the RunResult', async () => {
    const agent = await createAgent({ handler: () => js('console.log("still working")') });

    const error = await agent.run('Endless', { maxSteps: 2 }).catch((caught: unknown) => caught);
    expect(StepLimitReached.isInstance(error) && error.finalAttemptMade).toBe(false);
    expect((error as StepLimitReached).stepsTaken).toBe(2);

    const result = await agent.run('Endless', { maxSteps: 3, returnResult: true });
    expect(result.state).toBe('step_limit_reached');
    expect(result.stepsTaken).toBe(3);
    expect(StepLimitReached.isInstance(result.error)).toBe(true);
  });

  it('runs TypeScript blocks with their types stripped', async () => {
    const agent = await createAgent({
      script: [
        '```typescript\nconst n: number = 2;\ninterface P { x: number }\nconst p: P = { x: n };\nfinal_answer(p.x * 21);\n```',
      ],
    });

    await expect(agent.run('Typed')).resolves.toBe('42');
  });

  it('tells the model that import and require are unavailable and what it can use', async () => {
    const agent = await createAgent({
      script: [js('import fs from "node:fs";'), js('require("child_process")'), js('final_answer("ok")')],
    });

    await agent.run('Read a file');

    const [importError, requireError] = feedback();
    expect(importError).toContain('Execution error: ImportError: import statements are not available');
    expect(importError).toContain('the tools get_weather, final_answer, console.log and the JavaScript built-ins');
    expect(requireError).toContain('ImportError: require("child_process") is not available');
  });

  it('emits step, code and tool events in order, with the tool calls made from the sandbox', async () => {
    const agent = await createAgent({
      script: ['no code here', js('final_answer(get_weather({ city: "Oslo" }).celsius)')],
    });
    const events: (AgentEvent | CodeEvent)[] = [];

    await agent.run('Oslo?', { onEvent: (event) => events.push(event) });

    expect(events.map((event) => event.type)).toEqual([
      'run-start',
      'step-start',
      'model-request',
      'model-response',
      'correction',
      'step-start',
      'model-request',
      'model-response',
      'code-start',
      'tool-start',
      'tool-end',
      'code-end',
      'final-answer',
      'run-end',
    ]);
    const toolEnd = events.find((event) => event.type === 'tool-end');
    expect(toolEnd).toMatchObject({
      toolName: 'get_weather',
      output: '{"city":"Oslo","celsius":15}',
      isError: false,
      step: 2,
    });
    expect(events.find((event) => event.type === 'tool-start')).toMatchObject({ arguments: { city: 'Oslo' } });
  });

  it('prints the code, its output and the answer with verbose: true', async () => {
    const agent = await createAgent({
      script: [js('console.log(get_weather({ city: "Paris" }).celsius)'), js('final_answer("warm")')],
    });
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((text) => {
      written.push(String(text));
      return true;
    });

    try {
      await agent.run('Verbose', { verbose: true });
    } finally {
      spy.mockRestore();
    }

    const trace = written.join('');
    expect(trace).toContain('console.log(get_weather({ city: "Paris" }).celsius)');
    expect(trace).toContain('-> get_weather');
    expect(trace).toContain('  output:\n     21');
    expect(trace).toContain('final answer: warm');
  });

  it('streams the same events, ending with run-end', async () => {
    const agent = await createAgent({ script: [js('final_answer("streamed")')] });
    const types: string[] = [];

    for await (const event of agent.stream('Stream it')) types.push(event.type);

    expect(types.at(0)).toBe('run-start');
    expect(types.at(-1)).toBe('run-end');
    expect(types).toContain('code-end');
  });

  it('aborts a running execution with the run’s signal', async () => {
    // A sandbox deadline far past the test's timeout: only the abort can end this loop in time.
    server = await startFakeOpenAI({ script: [js('while (true) {}')] });
    const agent = new TinyCodeAgent({
      tools: [getWeather],
      baseURL: server.url,
      model: 'fake-model',
      limits: { timeoutMs: 600_000 },
    });
    const controller = new AbortController();

    const pending = agent.run('Spin', {
      returnResult: true,
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'code-start') controller.abort(new Error('user cancelled'));
      },
    });

    const result = await pending;
    expect(result.state).toBe('aborted');
    expect(RunAbortedError.isInstance(result.error)).toBe(true);
  });

  it('makes a sync tool that returns a promise an execution error naming the tool', async () => {
    const sneaky = tool({
      name: 'sneaky',
      description: 'Looks sync, returns a promise.',
      execute: () => Promise.resolve(1),
    });
    const agent = await createAgent({ script: [js('sneaky()'), js('final_answer("recovered")')] }, [sneaky]);

    await expect(agent.run('Call it')).resolves.toBe('recovered');
    expect(feedback()[0]).toMatch(/ToolExecutionError: Tool 'sneaky' failed: its execute returned a Promise/);
  });
});

describe('TinyCodeAgent construction', () => {
  const base = { baseURL: 'http://127.0.0.1:9/v1' };

  it('rejects async tools, naming the tool and pointing to ReactAgent', () => {
    const fetchPage = tool({
      name: 'fetch_page',
      description: 'Fetches.',
      execute: async () => Promise.resolve('page'),
    });

    expect(() => new TinyCodeAgent({ ...base, tools: [fetchPage] })).toThrow(ConfigurationError);
    expect(() => new TinyCodeAgent({ ...base, tools: [fetchPage] })).toThrow(/'fetch_page'.*ReactAgent/s);
  });

  it('rejects tool names the code could not call', () => {
    const named = (name: string) => tool({ name, description: 'A tool.', execute: () => 1 });

    expect(() => new TinyCodeAgent({ ...base, tools: [named('get-weather')] })).toThrow(
      /not a valid JavaScript identifier.*'get_weather'/,
    );
    expect(() => new TinyCodeAgent({ ...base, tools: [named('final_answer')] })).toThrow(
      /collides with the sandbox global/,
    );
    expect(() => new TinyCodeAgent({ ...base, tools: [named('JSON')] })).toThrow(/collides/);
    expect(() => new TinyCodeAgent({ ...base, tools: [named('delete')] })).toThrow(/keyword/);
  });

  it('checks tools, limits and the model connection at once', () => {
    expect(() => new TinyCodeAgent({ ...base, tools: [] })).toThrow(/at least one tool/);
    expect(() => new TinyCodeAgent({ ...base, tools: [getWeather], limits: { timeoutMs: -1 } })).toThrow(/timeoutMs/);
    expect(() => new TinyCodeAgent({ tools: [getWeather], baseURL: undefined, apiKey: undefined })).not.toThrow();
  });

  it('appends systemSuffix and falls back to the default prompt for an unusable file', () => {
    using logs = captureLogs();
    const agent = new TinyCodeAgent({
      ...base,
      tools: [getWeather],
      systemSuffix: 'Answer in French.',
      promptFile: '/nope/missing.md',
    });

    expect(agent.systemPrompt).toContain('function get_weather(');
    expect(agent.systemPrompt.trimEnd().endsWith('Answer in French.')).toBe(true);
    expect(logs.warnings).toEqual([expect.stringContaining('/nope/missing.md does not exist')]);
  });
});

describe('TinyCodeAgent option checks', () => {
  it('rejects an unknown option, naming it and the one meant', () => {
    const create = (): unknown =>
      new TinyCodeAgent({ tools: [], chatModel: createScriptedModel([]), maxStep: 3 } as never);

    expect(create).toThrow("TinyCodeAgent: unknown option 'maxStep'.");
  });

  it('rejects a pool that createSandboxPool did not make', () => {
    const create = (): unknown =>
      new TinyCodeAgent({ tools: [getWeather], chatModel: createScriptedModel([]), pool: { workers: 2 } as never });

    expect(create).toThrow('TinyCodeAgent: pool must be a pool made by createSandboxPool().');
  });

  it('rejects an unknown run option before the run starts', async () => {
    const model = createScriptedModel(['never asked']);
    const echo = tool({ name: 'echo', description: 'Echo.', execute: () => 'echo' });
    const agent = new TinyCodeAgent({ tools: [echo], chatModel: model });

    await expect(agent.run('Hi', { verbos: true } as never)).rejects.toThrow(
      "TinyCodeAgent's run: unknown option 'verbos'. Did you mean 'verbose'?",
    );
    expect(model.requests).toHaveLength(0);
  });
});

describe('TinyCodeAgent shape', () => {
  it('types its result by returnResult, like ReactAgent', () => {
    // Checked by the compiler only: the runs are never started.
    const check = (agent: TinyCodeAgent, dynamic: boolean): void => {
      expectTypeOf(agent.run('q')).resolves.toEqualTypeOf<string>();
      expectTypeOf(agent.run('q', { returnResult: true })).resolves.toEqualTypeOf<RunResult>();
      expectTypeOf(agent.run('q', { returnResult: dynamic })).resolves.toEqualTypeOf<string | RunResult>();
    };
    expectTypeOf(check).toBeFunction();
  });

  it('refuses options that are not an object with a ConfigurationError', () => {
    expect(() => new TinyCodeAgent(null as never)).toThrow(ConfigurationError);
  });

  it('places the turns of history between its prompt and the task, and names its model chatModel', async () => {
    const model = createScriptedModel(['```js\nfinal_answer("Ada")\n```']);
    const echo = tool({ name: 'echo', description: 'Echo.', execute: () => 'echo' });
    const agent = new TinyCodeAgent({ tools: [echo], chatModel: model });
    const history = [
      { role: 'system' as const, content: 'an old prompt' },
      { role: 'user' as const, content: 'My name is Ada.' },
      { role: 'assistant' as const, content: 'Noted.' },
    ];

    await expect(agent.run('What is my name?', { history })).resolves.toBe('Ada');

    expect(agent.chatModel).toBe(model);
    const sent = model.requests[0]?.messages.map((message) => [message.role, message.content]);
    expect(sent?.slice(1)).toEqual([
      ['user', 'My name is Ada.'],
      ['assistant', 'Noted.'],
      ['user', 'What is my name?'],
    ]);
  });
});
