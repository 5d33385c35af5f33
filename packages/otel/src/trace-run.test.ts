import { SpanStatusCode, isSpanContextValid, trace } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';
import { ConfigurationError, OpenAIChatModel, registerSecret, tool, z } from '@tinyagent/core';
import type { StepRunner } from '@tinyagent/core';
import { createApprovalTools } from '@tinyagent/testing';
import { describe, expect, it } from 'vitest';
import { traceRun } from './trace-run.ts';
import {
  createAgent,
  finishedSpans,
  getWeather,
  isChildOf,
  provider,
  spanNamed,
  spanTree,
  startServer,
} from './test-fixtures.ts';

const traced = (options: Parameters<typeof traceRun>[0] = {}) => traceRun({ tracerProvider: provider, ...options });

describe('traceRun', () => {
  it('traces a JSON-protocol run as invoke_agent with chat and execute_tool children', async () => {
    const server = await startServer({
      script: [
        JSON.stringify({ tool: 'get_weather', arguments: { city: 'Paris' } }),
        JSON.stringify({ answer: 'Sunny.' }),
      ],
    });

    const result = await createAgent(server).run('Weather in Paris?', { ...traced(), returnResult: true });

    expect(spanTree()).toEqual([
      'invoke_agent ReactAgent',
      '  chat fake-model',
      '  execute_tool get_weather',
      '  chat fake-model',
    ]);
    const run = spanNamed('invoke_agent ReactAgent');
    expect(run.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.provider.name': 'openai',
      'gen_ai.agent.name': 'ReactAgent',
      'gen_ai.conversation.id': result.metadata.runId,
      'gen_ai.request.model': 'fake-model',
      'gen_ai.usage.input_tokens': result.usage.inputTokens,
      'gen_ai.usage.output_tokens': result.usage.outputTokens,
      'tinyagent.run.state': 'completed',
    });
    expect(run.status.code).toBe(SpanStatusCode.UNSET);
    const [firstChat] = finishedSpans().filter((span) => span.name === 'chat fake-model');
    expect(firstChat?.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'fake-model',
      'gen_ai.response.model': 'fake-model',
      'gen_ai.response.finish_reasons': ['stop'],
    });
    expect(firstChat?.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
    const toolSpan = spanNamed('execute_tool get_weather');
    expect(toolSpan.attributes).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'get_weather',
      'gen_ai.tool.type': 'function',
    });
    expect(typeof toolSpan.attributes['gen_ai.tool.call.id']).toBe('string');
    for (const span of finishedSpans()) expect(span.spanContext().traceId).toBe(run.spanContext().traceId);
    // Content is off by default: neither the task nor the weather reaches a span.
    expect(JSON.stringify(finishedSpans().map((span) => span.attributes))).not.toMatch(/Paris|sunny|Sunny/);
  });

  it('traces parallel native tool calls, each running inside its own span', async () => {
    const activeSpans = new Map<string, string | undefined>();
    const lookup = tool({
      name: 'lookup',
      description: 'Looks a name up.',
      parameters: z.object({ name: z.string() }),
      execute: async ({ name }, { toolCallId }) => {
        await Promise.resolve();
        activeSpans.set(toolCallId ?? '', trace.getActiveSpan()?.spanContext().spanId);
        return `${name}@example.com`;
      },
    });
    const server = await startServer({
      script: [
        {
          toolCalls: [
            { name: 'lookup', arguments: { name: 'Ada' } },
            { name: 'lookup', arguments: { name: 'Alan' } },
          ],
        },
        'Both found.',
      ],
    });

    await createAgent(server, { toolCalling: 'native', tools: [lookup] }).run('Find both.', traced());

    const run = spanNamed('invoke_agent ReactAgent');
    const tools = finishedSpans().filter((span) => span.name === 'execute_tool lookup');
    expect(tools).toHaveLength(2);
    for (const span of tools) {
      expect(isChildOf(span, run)).toBe(true);
      const callId = String(span.attributes['gen_ai.tool.call.id']);
      expect(activeSpans.get(callId)).toBe(span.spanContext().spanId);
    }
    expect(new Set(tools.map((span) => span.attributes['gen_ai.tool.call.id'])).size).toBe(2);
  });

  it('records a failing tool as an error span, with its exception redacted', async () => {
    registerSecret('hunter2-secret-value');
    const broken = tool({
      name: 'broken',
      description: 'Always fails.',
      parameters: z.object({}),
      execute: () => {
        throw new TypeError('disk full, token hunter2-secret-value');
      },
    });
    const server = await startServer({
      script: [{ toolCalls: [{ name: 'broken', arguments: {} }] }, 'It failed.'],
    });

    await createAgent(server, { toolCalling: 'native', tools: [broken] }).run('Try it.', traced());

    const span = spanNamed('execute_tool broken');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.status.message).toContain('disk full');
    expect(span.attributes['error.type']).toBe('TypeError');
    const exception = span.events.find((event) => event.name === 'exception');
    expect(exception?.attributes).toMatchObject({ 'exception.type': 'TypeError' });
    expect(String(exception?.attributes?.['exception.message'])).toContain('disk full');
    // The model fixed it: the run itself succeeded.
    expect(spanNamed('invoke_agent ReactAgent').status.code).toBe(SpanStatusCode.UNSET);
    expect(JSON.stringify(finishedSpans().map((each) => [each.attributes, each.events, each.status]))).not.toContain(
      'hunter2-secret-value',
    );
  });

  it('shows a retried model call as a retry event on its one chat span', async () => {
    const server = await startServer({ script: [{ status: 503, message: 'overloaded' }, 'Fine.'] });
    const chatModel = new OpenAIChatModel({ model: 'fake-model', baseURL: server.url, maxRetries: 1, retryDelayMs: 1 });

    await createAgent(server, { toolCalling: 'native', chatModel, model: undefined, baseURL: undefined }).run(
      'Hello?',
      traced(),
    );

    const chat = spanNamed('chat fake-model');
    const retry = chat.events.find((event) => event.name === 'tinyagent.model.retry');
    expect(retry?.attributes).toMatchObject({ 'tinyagent.retry.attempt': 1, 'http.response.status_code': 503 });
    expect(chat.status.code).toBe(SpanStatusCode.UNSET);
    expect(server.requestCount).toBe(2);
  });

  it('records a model call that failed for good on its chat span and the run', async () => {
    const server = await startServer({ script: [{ status: 500 }, { status: 500 }] });
    const chatModel = new OpenAIChatModel({ model: 'fake-model', baseURL: server.url, maxRetries: 1, retryDelayMs: 1 });

    const result = await createAgent(server, {
      toolCalling: 'native',
      chatModel,
      model: undefined,
      baseURL: undefined,
    }).run('Hello?', { ...traced(), returnResult: true });

    expect(result.state).toBe('error');
    for (const span of [spanNamed('chat fake-model'), spanNamed('invoke_agent ReactAgent')]) {
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.attributes['error.type']).toBe('ModelCallError');
      expect(span.events.map((event) => event.name)).toContain('exception');
    }
  });

  it('runs each step through a step runner of its own, inside the span, and tells its own listener', async () => {
    const seen: { id: string; span: string | undefined }[] = [];
    const told: string[] = [];
    const server = await startServer({
      script: [{ toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] }, 'Sunny.'],
    });

    await createAgent(server, { toolCalling: 'native' }).run(
      'Oslo?',
      traced({
        stepRunner: {
          run: (id, work) => {
            seen.push({ id, span: trace.getActiveSpan()?.spanContext().spanId });
            return work();
          },
        },
        onEvent: (event) => told.push(event.type),
      }),
    );

    const [firstChat] = finishedSpans().filter((span) => span.name === 'chat fake-model');
    const toolSpan = spanNamed('execute_tool get_weather');
    expect(seen.slice(0, 2)).toEqual([
      { id: '1/model', span: firstChat?.spanContext().spanId },
      { id: `1/tool/${String(toolSpan.attributes['gen_ai.tool.call.id'])}`, span: toolSpan.spanContext().spanId },
    ]);
    expect(told.at(0)).toBe('run-start');
    expect(told.at(-1)).toBe('run-end');
  });

  it('ends an aborted run and its running tool with error status', async () => {
    const controller = new AbortController();
    const waits = tool({
      name: 'waits',
      description: 'Waits until aborted.',
      parameters: z.object({}),
      execute: (_args, { signal }) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(new Error('stopped')), { once: true });
        }),
    });
    const server = await startServer({ script: [{ toolCalls: [{ name: 'waits', arguments: {} }] }] });
    const options = traced({
      onEvent: (event) => {
        if (event.type === 'tool-start') controller.abort(new Error('the user left'));
      },
    });

    const result = await createAgent(server, { toolCalling: 'native', tools: [waits] }).run('Wait.', {
      ...options,
      signal: controller.signal,
      returnResult: true,
    });

    expect(result.state).toBe('aborted');
    const run = spanNamed('invoke_agent ReactAgent');
    expect(run.status.code).toBe(SpanStatusCode.ERROR);
    expect(run.attributes).toMatchObject({ 'error.type': 'RunAbortedError', 'tinyagent.run.state': 'aborted' });
    // Cut short, not thrown: its tool-end comes before the run's end, with no error of its own.
    const waited = spanNamed('execute_tool waits');
    expect(waited.status).toMatchObject({ code: SpanStatusCode.ERROR, message: 'Aborted: the user left' });
    expect(waited.attributes['error.type']).toBe('ToolError');
  });

  it('shows an approval pause as events, and links the resumed run to the paused one', async () => {
    const { tools, sent } = createApprovalTools();
    const server = await startServer({
      script: [{ toolCalls: [{ name: 'send_email', arguments: { to: 'ada@example.com', body: 'Hi' } }] }, 'Sent.'],
    });
    const agent = createAgent(server, { toolCalling: 'native', tools });

    const paused = await agent.run('Email Ada.', { ...traced(), returnResult: true });
    const callId = paused.pendingApprovals?.[0]?.callId ?? '';
    const resumed = await agent.resume(paused.snapshot ?? '', {
      ...traced(),
      approvals: { [callId]: { approved: true } },
      returnResult: true,
    });

    expect(resumed.state).toBe('completed');
    expect(sent).toEqual(['ada@example.com']);
    const [first, second] = finishedSpans().filter((span) => span.name === 'invoke_agent ReactAgent');
    expect(first?.status.code).toBe(SpanStatusCode.UNSET);
    expect(first?.attributes['tinyagent.run.state']).toBe('awaiting_approval');
    expect(first?.events.map((event) => event.name)).toEqual(['tinyagent.approval.requested', 'tinyagent.run.paused']);
    expect(first?.events[0]?.attributes).toMatchObject({
      'gen_ai.tool.call.id': callId,
      'gen_ai.tool.name': 'send_email',
    });
    expect(second?.attributes).toMatchObject({
      'tinyagent.run.resumed': true,
      'gen_ai.conversation.id': first?.attributes['gen_ai.conversation.id'],
    });
    expect(second?.links.map((link) => link.context.spanId)).toEqual([first?.spanContext().spanId]);
    expect(second?.events.map((event) => event.name)).toContain('tinyagent.approval.resolved');
    const email = spanNamed('execute_tool send_email');
    expect(second === undefined ? false : isChildOf(email, second)).toBe(true);
  });

  it('nests a sub-agent run under the tool call that ran it', async () => {
    const server = await startServer({
      script: [
        { toolCalls: [{ name: 'researcher', arguments: { task: 'Weather in Oslo?' } }] },
        { toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] },
        'Snowy.',
        'Oslo is snowy.',
      ],
    });
    const researcher = createAgent(server, { toolCalling: 'native' }).asTool({
      name: 'researcher',
      description: 'Finds things out.',
    });

    await createAgent(server, { toolCalling: 'native', tools: [researcher] }).run('Oslo?', traced());

    expect(spanTree()).toEqual([
      'invoke_agent ReactAgent',
      '  chat fake-model',
      '  execute_tool researcher',
      '    invoke_agent ReactAgent',
      '      chat fake-model',
      '      execute_tool get_weather',
      '      chat fake-model',
      '  chat fake-model',
    ]);
  });

  it('puts content on spans only when asked, redacted', async () => {
    registerSecret('sk-content-secret-123');
    const server = await startServer({
      script: [
        { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris sk-content-secret-123' } }] },
        'Sunny in Paris.',
      ],
    });

    await createAgent(server, { toolCalling: 'native', tools: [getWeather] }).run('Weather in Paris?', {
      ...traced({ captureContent: true }),
    });

    const run = spanNamed('invoke_agent ReactAgent');
    expect(JSON.parse(String(run.attributes['gen_ai.input.messages']))).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
    ]);
    expect(String(run.attributes['gen_ai.output.messages'])).toContain('Sunny in Paris.');
    const toolSpan = spanNamed('execute_tool get_weather');
    expect(String(toolSpan.attributes['gen_ai.tool.call.arguments'])).toContain('Paris');
    expect(String(toolSpan.attributes['gen_ai.tool.call.result'])).toContain('sunny');
    expect(JSON.stringify(finishedSpans().map((span) => span.attributes))).not.toContain('sk-content-secret-123');
  });

  it('traces nothing and changes nothing when no SDK is registered', async () => {
    const server = await startServer({ script: ['Hello.'] });

    // The span each step runs in: a real SDK's would record; the API's no-op one does not.
    const active: (Span | undefined)[] = [];
    const stepRunner: StepRunner = {
      run: (_id, work) => {
        active.push(trace.getActiveSpan());
        return work();
      },
    };

    const answer = await createAgent(server, { toolCalling: 'native' }).run('Hi?', traceRun({ stepRunner }));

    expect(answer).toBe('Hello.');
    expect(active.length).toBeGreaterThan(0);
    for (const span of active) {
      expect(span?.isRecording() ?? false).toBe(false);
      expect(span === undefined || !isSpanContextValid(span.spanContext())).toBe(true);
    }
    expect(finishedSpans()).toEqual([]);
  });

  it('rejects unknown and invalid options with a ConfigurationError', () => {
    expect(() => traceRun({ capture: true } as never)).toThrow(/unknown option 'capture'/);
    expect(() => traceRun({ maxContentLength: 0 })).toThrow(ConfigurationError);
    expect(() => traceRun({ captureContent: 'yes' as never })).toThrow(/captureContent must be true or false/);
    // A tracer where a provider belongs: the mistake is named, not a TypeError from inside.
    expect(() => traceRun({ tracerProvider: provider.getTracer('app') as never })).toThrow(
      /tracerProvider must be a TracerProvider/,
    );
    expect(() => traceRun({ tracerProvider: 'global' as never })).toThrow(ConfigurationError);
    expect(() => traceRun(null as never)).toThrow(/traceRun takes an options object/);
    expect(() => traceRun(true as never)).toThrow(ConfigurationError);
  });

  it('refuses to trace a second run with the same options', async () => {
    const server = await startServer({ script: ['One.', 'Two.'] });
    const agent = createAgent(server, { toolCalling: 'native' });
    const options = traced();

    await agent.run('First?', options);
    const second = await agent.run('Second?', { ...options, returnResult: true });

    expect(second.state).toBe('error');
    expect(second.error).toBeInstanceOf(ConfigurationError);
    expect(second.error?.message).toMatch(/call traceRun\(\) for each run/);
  });
});
