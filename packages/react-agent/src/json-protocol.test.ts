import { tool, z } from '@tinyagent/core';
import type { ToolEndEvent } from '@tinyagent/core';
import { describe, expect, it } from 'vitest';
import { JSON_REPLY_SHAPES } from './json-protocol.ts';
import { createAgent, recordEvents, reply, sentMessages, startServer } from './test-fixtures.ts';

const weatherCall = reply({ scratchpad: 'I need the weather.', tool: 'get_weather', arguments: { city: 'Paris' } });
const answer = reply({ scratchpad: 'I know it now.', answer: 'Sunny, 21 °C.' });

describe('ReactAgent, JSON protocol', () => {
  it('sends the system prompt and question, then the observation, and returns the answer', async () => {
    const server = await startServer({ script: [weatherCall, answer] });
    const agent = createAgent(server);

    const output = await agent.run('What is the weather in Paris?');

    expect(output).toBe('Sunny, 21 °C.');
    expect(server.requests[0]?.body).toEqual({
      model: 'fake-model',
      messages: [
        { role: 'system', content: agent.systemPrompt },
        { role: 'user', content: 'What is the weather in Paris?' },
      ],
      temperature: 0.7,
    });
    expect(server.requests[1]?.body).toEqual({
      model: 'fake-model',
      messages: [
        { role: 'system', content: agent.systemPrompt },
        { role: 'user', content: 'What is the weather in Paris?' },
        { role: 'assistant', content: weatherCall },
        { role: 'user', content: 'Observation: {"city":"Paris","sky":"sunny","celsius":21}' },
      ],
      temperature: 0.7,
    });
    expect(server.requests).toHaveLength(2);
  });

  it.each([
    [{ total: 5, unit: 'apples' }, '{"total":5,"unit":"apples"}'],
    [42, '42'],
    [false, 'false'],
  ])('returns the non-string answer %j JSON-encoded', async (value, expected) => {
    const server = await startServer({ script: [reply({ answer: value })] });

    const result = await createAgent(server).run('Count the apples.', { returnResult: true });

    expect(result.output).toBe(expected);
    expect(result.finalAnswer?.value).toEqual(value);
  });

  it('lets the answer win when a reply has both an answer and a tool', async () => {
    const server = await startServer({
      script: [reply({ tool: 'get_weather', arguments: { city: 'Oslo' }, answer: 'Done.' })],
    });
    const { events, onEvent } = recordEvents();

    const output = await createAgent(server).run('Weather?', { onEvent });

    expect(output).toBe('Done.');
    expect(events.some((event) => event.type === 'tool-start')).toBe(false);
  });

  it('treats "answer": null next to a tool as a tool call', async () => {
    const server = await startServer({
      script: [reply({ tool: 'get_weather', arguments: { city: 'Oslo' }, answer: null }), answer],
    });

    await createAgent(server).run('Weather in Oslo?');

    expect(sentMessages(server, 1).at(-1)).toEqual({
      role: 'user',
      content: 'Observation: {"city":"Oslo","sky":"snow","celsius":-3}',
    });
  });

  it('calls the tool when a reply sends an empty answer next to it, instead of ending with no answer', async () => {
    const server = await startServer({
      script: [reply({ tool: 'get_weather', arguments: { city: 'Oslo' }, answer: '' }), answer],
    });

    const output = await createAgent(server).run('Weather in Oslo?');

    expect(output).toBe('Sunny, 21 °C.');
    expect(sentMessages(server, 1).at(-1)).toEqual({
      role: 'user',
      content: 'Observation: {"city":"Oslo","sky":"snow","celsius":-3}',
    });
  });

  it('corrects an empty answer instead of ending the run with it', async () => {
    const server = await startServer({ script: [reply({ answer: '' }), answer] });

    const output = await createAgent(server).run('Weather?');

    expect(output).toBe('Sunny, 21 °C.');
    expect(sentMessages(server, 1).at(-1)).toMatchObject({
      role: 'user',
      content: expect.stringMatching(/^Your reply could not be used: the answer was empty\./) as unknown,
    });
  });

  it('corrects a reply that is not JSON and raises the temperature by 0.2 for the rest of the run', async () => {
    const server = await startServer({ script: ['BAD_JSON', 'Sure! The weather is nice.', weatherCall, answer] });
    const { events, onEvent } = recordEvents();

    const result = await createAgent(server).run('Weather in Paris?', { returnResult: true, onEvent });

    expect(result.output).toBe('Sunny, 21 °C.');
    expect(result.stepsTaken).toBe(4);
    expect(server.requests.map((request) => request.body.temperature)).toEqual([0.7, 0.9, 1.1, 1.1]);
    const correction = sentMessages(server, 1).slice(2);
    expect(correction).toEqual([
      { role: 'assistant', content: 'BAD_JSON' },
      {
        role: 'user',
        content:
          'Your reply could not be used: the reply was not a JSON object. Reply with exactly one JSON object, ' +
          `in one of these shapes:\n${JSON_REPLY_SHAPES}`,
      },
    ]);
    // Single braces: each shape the model is shown is valid JSON as written.
    expect(JSON_REPLY_SHAPES.split('\n').map((line) => JSON.parse(line) as unknown)).toEqual([
      { scratchpad: 'your reasoning', tool: 'tool_name', arguments: { argument_name: 'value' } },
      { scratchpad: 'your reasoning', answer: 'your final answer' },
    ]);
    const corrections = events.filter((event) => event.type === 'correction');
    expect(corrections.map((event) => event.reason)).toEqual([
      'the reply was not a JSON object',
      'the reply was not a JSON object',
    ]);
  });

  it('corrects a malformed tool call instead of answering with its arguments', async () => {
    const grade = tool({
      name: 'grade',
      description: 'Grades an answer to the quiz.',
      parameters: z.object({ answer: z.string() }),
      execute: ({ answer: given }) => (given === 'Paris' ? 'correct' : 'wrong'),
    });
    // A trailing comma, as models write: the only valid object in the text is the arguments.
    const malformed = '{"scratchpad": "Grade it.", "tool": "grade", "arguments": {"answer": "Paris"},}';
    const server = await startServer({
      script: [malformed, reply({ tool: 'grade', arguments: { answer: 'Paris' } }), reply({ answer: 'Graded.' })],
    });

    const result = await createAgent(server, { tools: [grade] }).run('Grade "Paris".', { returnResult: true });

    expect(result.output).toBe('Graded.');
    expect(sentMessages(server, 1).at(-1)).toMatchObject({
      role: 'user',
      content: expect.stringMatching(/^Your reply could not be used: the reply was not a JSON object\./) as unknown,
    });
    expect(sentMessages(server, 2).at(-1)).toEqual({ role: 'user', content: 'Observation: correct' });
  });

  it('caps the raised temperature at 2.0', async () => {
    const server = await startServer({ script: ['no', 'no', 'no', answer] });

    await createAgent(server, { temperature: 1.7 }).run('Weather?');

    expect(server.requests.map((request) => request.body.temperature)).toEqual([1.7, 1.9, 2, 2]);
  });

  it.each([
    ['a ```json fence', `\`\`\`json\n${answer}\n\`\`\``],
    ['a bare fence', `\`\`\`\n${answer}\n\`\`\``],
    ['prose around it', `Here is my reply: ${answer} Hope that helps {really}.`],
    ['prose with braces before it', `I considered {options} first.\n${answer}`],
  ])('accepts JSON in %s', async (_case, text) => {
    const server = await startServer({ script: [text] });

    await expect(createAgent(server).run('Weather?')).resolves.toBe('Sunny, 21 °C.');
  });

  it('sends a scratchpad-only reply back as noted, asks for an action, and appends the turn once', async () => {
    const thinking = reply({ scratchpad: 'Paris is in France; I should check the weather.' });
    const server = await startServer({ script: [thinking, weatherCall, answer] });
    const { events, onEvent } = recordEvents();

    const result = await createAgent(server).run('Weather in Paris?', { returnResult: true, onEvent });

    expect(result.stepsTaken).toBe(3);
    const [assistantTurn, note, ...rest] = sentMessages(server, 1).slice(2) as { role: string; content: string }[];
    expect(assistantTurn).toEqual({ role: 'assistant', content: thinking });
    expect(note?.role).toBe('user');
    expect(note?.content).toMatch(/^Scratchpad noted: Paris is in France; I should check the weather\.\nNow act:/);
    expect(note?.content).toContain(JSON_REPLY_SHAPES);
    expect(rest).toEqual([]);
    expect(result.messages.filter((message) => message.content === thinking)).toHaveLength(1);
    expect(events.filter((event) => event.type === 'correction')).toHaveLength(1);
    // A valid JSON reply is not a randomness problem: the temperature stays.
    expect(server.requests.map((request) => request.body.temperature)).toEqual([0.7, 0.7, 0.7]);
  });

  it('returns an unknown tool to the model with the available tools, and continues', async () => {
    const server = await startServer({
      script: [reply({ tool: 'get_wether', arguments: { city: 'Paris' } }), weatherCall, answer],
    });

    const output = await createAgent(server).run('Weather in Paris?');

    expect(output).toBe('Sunny, 21 °C.');
    expect(sentMessages(server, 1).at(-1)).toEqual({
      role: 'user',
      content: "Observation: Error: unknown tool 'get_wether'; available: get_weather, add",
    });
  });

  it('returns argument errors with the path of each wrong field', async () => {
    const order = tool({
      name: 'order',
      description: 'Orders items.',
      parameters: z.object({
        items: z.array(z.object({ name: z.string(), quantity: z.number().int().positive() })),
      }),
      execute: ({ items }) => `ordered ${items.length}`,
    });
    const badCall = reply({
      tool: 'order',
      arguments: {
        items: [
          { name: 'pen', quantity: 1 },
          { name: 7, quantity: 0 },
        ],
      },
    });
    const server = await startServer({ script: [badCall, reply({ answer: 'Could not order.' })] });
    const { events, onEvent } = recordEvents();

    await createAgent(server, { tools: [order] }).run('Order a pen and a pencil.', { onEvent });

    const observation = (sentMessages(server, 1).at(-1) as { content: string }).content;
    expect(observation).toMatch(/^Observation: Error: Invalid arguments for tool 'order': /);
    expect(observation).toContain('items[1].name: Invalid input: expected string, received number');
    expect(observation).toMatch(/items\[1\]\.quantity: Too small: expected number to be >0/);
    const end = events.find((event): event is ToolEndEvent => event.type === 'tool-end');
    expect(end).toMatchObject({ toolName: 'order', isError: true });
  });

  it.each([
    ['missing', reply({ tool: 'ping' })],
    ['null', reply({ tool: 'ping', arguments: null })],
  ])('treats %s arguments as no arguments', async (_case, call) => {
    const ping = tool({ name: 'ping', description: 'Answers pong.', execute: () => 'pong' });
    const server = await startServer({ script: [call, reply({ answer: 'pong' })] });

    await createAgent(server, { tools: [ping] }).run('Ping it.');

    expect(sentMessages(server, 1).at(-1)).toEqual({ role: 'user', content: 'Observation: pong' });
  });

  it('returns a tool exception as an observation naming the tool, and continues', async () => {
    const flaky = tool({
      name: 'flaky',
      description: 'Fails.',
      execute: () => {
        throw new Error('the weather service is down');
      },
    });
    const server = await startServer({ script: [reply({ tool: 'flaky', arguments: {} }), answer] });

    const output = await createAgent(server, { tools: [flaky] }).run('Weather?');

    expect(output).toBe('Sunny, 21 °C.');
    expect(sentMessages(server, 1).at(-1)).toEqual({
      role: 'user',
      content: "Observation: Error: Tool 'flaky' failed: the weather service is down",
    });
  });

  it('returns a tool timeout as an observation naming the tool, aborting the tool', async () => {
    const seen: { aborted?: boolean } = {};
    const stuck = tool({
      name: 'stuck',
      description: 'Never finishes on its own.',
      timeoutMs: 30,
      execute: (_args, { signal }) =>
        new Promise((resolve) => {
          signal.addEventListener('abort', () => {
            seen.aborted = true;
            resolve('late');
          });
        }),
    });
    const server = await startServer({ script: [reply({ tool: 'stuck' }), answer] });

    await createAgent(server, { tools: [stuck] }).run('Try it.');

    expect(sentMessages(server, 1).at(-1)).toEqual({
      role: 'user',
      content: "Observation: Error: Tool 'stuck' failed: timed out after 30 ms",
    });
    expect(seen.aborted).toBe(true);
  });

  it('cuts a long observation with a notice giving its original length', async () => {
    const long = tool({ name: 'long', description: 'Returns a long text.', execute: () => 'x'.repeat(100) });
    const server = await startServer({ script: [reply({ tool: 'long' }), answer] });
    const { events, onEvent } = recordEvents();

    await createAgent(server, { tools: [long], maxObservationLength: 40 }).run('Read it.', { onEvent });

    expect(sentMessages(server, 1).at(-1)).toEqual({
      role: 'user',
      content: `Observation: ${'x'.repeat(40)}\n[truncated: showing the first 40 of 100 characters]`,
    });
    expect(events.find((event) => event.type === 'tool-end')).toMatchObject({ originalLength: 100, isError: false });
  });

  it('passes a whole 30 000-character article by default and cuts at 32 000', async () => {
    const article = 'word '.repeat(6_000);
    const huge = 'y'.repeat(50_000);
    const read = tool({
      name: 'read',
      description: 'Reads a page.',
      parameters: z.object({ page: z.enum(['article', 'huge']) }),
      execute: ({ page }) => (page === 'article' ? article : huge),
    });
    const server = await startServer({
      script: [
        reply({ tool: 'read', arguments: { page: 'article' } }),
        reply({ tool: 'read', arguments: { page: 'huge' } }),
        answer,
      ],
    });

    await createAgent(server, { tools: [read] }).run('Summarise.');

    expect(sentMessages(server, 1).at(-1)).toEqual({ role: 'user', content: `Observation: ${article}` });
    const cut = (sentMessages(server, 2).at(-1) as { content: string }).content;
    expect(cut).toBe(`Observation: ${'y'.repeat(32_000)}\n[truncated: showing the first 32000 of 50000 characters]`);
  });

  it('treats a null or empty reply as an invalid reply, not a crash', async () => {
    const server = await startServer({ script: [{ content: null }, '   ', answer] });

    const result = await createAgent(server).run('Weather?', { returnResult: true });

    expect(result.output).toBe('Sunny, 21 °C.');
    expect(sentMessages(server, 1).slice(2)).toEqual([
      { role: 'assistant', content: '' },
      {
        role: 'user',
        content: expect.stringMatching(/^Your reply could not be used: the reply was empty\./) as unknown,
      },
    ]);
    expect(server.requests.map((request) => request.body.temperature)).toEqual([0.7, 0.9, 1.1]);
  });
});
