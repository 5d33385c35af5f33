import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AgentEvent } from './agent-events.ts';
import { ToolExecutionError, ToolInputError } from '../errors.ts';
import { emptyUsage } from './run-result.ts';
import { createVerboseTrace, describeEvent } from './verbose-trace.ts';

afterEach(() => {
  vi.unstubAllEnvs();
});

const base = { runId: 'r', step: 2, seq: 7 };

describe('verbose trace', () => {
  it('shows tool calls with their arguments, results and truncation', () => {
    const start: AgentEvent = {
      ...base,
      type: 'tool-start',
      toolCallId: 'c',
      toolName: 'add',
      arguments: { a: 2, b: 3 },
    };
    const end: AgentEvent = {
      ...base,
      type: 'tool-end',
      toolCallId: 'c',
      toolName: 'add',
      output: '5',
      isError: false,
      originalLength: 90_000,
      durationMs: 1,
    };

    expect(describeEvent(start)).toEqual(['  -> add({"a":2,"b":3})']);
    expect(describeEvent(end)).toEqual(['  <- add: 5', "     (result cut from 90000 characters to the agent's limit)"]);
  });

  it("shows approvals asked for and decided, and puts a sub-agent's lines under its call", () => {
    const written: string[] = [];
    const trace = createVerboseTrace((text) => written.push(text));
    const approval = { kind: 'tool-call' as const, callId: 'c1', step: 2, toolName: 'pay', arguments: { amount: 5 } };

    trace({ ...base, type: 'approval-requested', approval });
    trace({ ...base, type: 'approval-resolved', callId: 'c1', approved: false, reason: 'too much' });
    trace({ ...base, parentRunId: 'p', type: 'tool-start', toolCallId: 'x', toolName: 'add', arguments: {} });

    expect(written).toEqual([
      '  ?? pay({"amount":5}) waits for approval (id c1)\n',
      '  declined: c1 (too much)\n',
      '    |   -> add({})\n',
    ]);
  });

  it('marks failed tools, the final attempt and corrections', () => {
    expect(describeEvent({ ...base, type: 'step-start', maxSteps: 3, finalAttempt: true })[0]).toContain(
      'final attempt',
    );
    expect(
      describeEvent({
        ...base,
        type: 'tool-end',
        toolCallId: 'c',
        toolName: 'div',
        output: "Error: Tool 'div' failed: divide by zero",
        isError: true,
        originalLength: undefined,
        durationMs: 1,
      })[0],
    ).toBe("  <- div failed: Error: Tool 'div' failed: divide by zero");
    expect(describeEvent({ ...base, type: 'correction', reason: 'invalid JSON', message: 'Reply with JSON.' })).toEqual(
      ['  correction (invalid JSON): Reply with JSON.'],
    );
  });

  it('shortens long text and says how much it left out', () => {
    const [line] = describeEvent({
      ...base,
      type: 'model-response',
      content: 'x'.repeat(1000),
      toolCalls: [],
      finishReason: 'stop',
      usage: undefined,
      durationMs: 1,
    });

    expect(line).toContain('… (400 more characters)');
  });

  it('ends with the state and the error of a failed run', () => {
    const [line] = describeEvent({
      ...base,
      type: 'run-end',
      result: {
        output: '',
        finalAnswer: undefined,
        state: 'error',
        stepsTaken: 1,
        durationMs: 12.4,
        error: new Error('server down'),
        usage: emptyUsage(),
        messages: [],
        steps: [],
        metadata: {},
      },
    });

    expect(line).toBe('[tinyagent] run error after 1 step(s) in 12 ms — server down');
  });

  it('redacts secrets from what it writes', () => {
    vi.stubEnv('OPENAI_API_KEY', 'sk-verbose-secret-123');
    const written: string[] = [];
    const trace = createVerboseTrace((text) => written.push(text));

    trace({
      ...base,
      type: 'tool-start',
      toolCallId: 'c',
      toolName: 'echo',
      arguments: { key: 'sk-verbose-secret-123' },
    });

    expect(written.join('')).not.toContain('sk-verbose-secret-123');
    expect(written.join('')).toContain('[redacted]');
  });
});

describe('verbose trace of model retries', () => {
  it('shows each retried attempt, its reason and the wait', () => {
    const retry: AgentEvent = {
      ...base,
      type: 'model-retry',
      attempt: 1,
      delayMs: 480,
      reason: 'HTTP 503 from the server',
      status: 503,
    };

    expect(describeEvent(retry)).toEqual([
      '  model call attempt 1 failed (HTTP 503 from the server); retrying in 480 ms',
    ]);
  });
});

describe('verbose trace of a tool that threw', () => {
  const failedEnd = (error: Error): AgentEvent => ({
    ...base,
    type: 'tool-end',
    toolCallId: 'c',
    toolName: 'lookup',
    output: "Error: Tool 'lookup' failed: boom",
    isError: true,
    originalLength: undefined,
    durationMs: 1,
    error,
  });

  it('prints the stack, redacted and with control characters escaped', () => {
    vi.stubEnv('OPENAI_API_KEY', 'sk-stack-secret-123');
    const error = new TypeError('bad key sk-stack-secret-123\x1b]0;pwned\x07');
    error.stack = `${error.name}: ${error.message}\n    at lookup (/app/tools.ts:3:7)`;
    const written: string[] = [];

    createVerboseTrace((text) => written.push(text))(failedEnd(error));

    const text = written.join('');
    expect(text).toContain('     thrown:\n       TypeError: bad key [redacted]\\x1B]0;pwned\\x07\n');
    expect(text).toContain('       at lookup (/app/tools.ts:3:7)');
    expect(text).not.toContain('\x1b');
  });

  it('leaves out the stacks of core’s own errors: rejected arguments and timeouts', () => {
    const timeout = new ToolExecutionError('timed out', { toolName: 'lookup', timedOut: true });
    const input = new ToolInputError('bad', { toolName: 'lookup', issues: [] });

    expect(describeEvent(failedEnd(timeout))).toEqual(["  <- lookup failed: Error: Tool 'lookup' failed: boom"]);
    expect(describeEvent(failedEnd(input))).toEqual(["  <- lookup failed: Error: Tool 'lookup' failed: boom"]);
  });
});

describe('verbose trace and terminal control sequences', () => {
  it('writes escape sequences from a tool result as visible text, never to the terminal', () => {
    const written: string[] = [];
    const trace = createVerboseTrace((text) => written.push(text));
    const osc52 = '\x1b]52;c;c3VkbyBybSAtcmYgLw==\x07';
    const title = '\x1b]0;pwned\x07';

    trace({
      ...base,
      type: 'tool-end',
      toolCallId: 'c',
      toolName: 'web_browse',
      output: `page${osc52}${title}\x9b31m\ttab\nline`,
      isError: false,
      originalLength: undefined,
      durationMs: 1,
    });

    const text = written.join('');
    const controls = Array.from(text).filter((char) => char !== '\n' && char !== '\t' && /\p{Cc}/u.test(char));
    expect(controls).toEqual([]);
    expect(text).toContain('\\x1B]52;c;c3VkbyBybSAtcmYgLw==\\x07');
    expect(text).toContain('\\x9B31m\ttab\nline');
  });
});

describe("verbose trace of an agent's own events", () => {
  const note = { ...base, type: 'note-taken', text: 'key sk-own-event-secret-1\x1b[2J' };

  it('prints them through the agent describer, redacted and escaped, and core events without it', () => {
    vi.stubEnv('OPENAI_API_KEY', 'sk-own-event-secret-1');
    const written: string[] = [];
    const described: string[] = [];
    const trace = createVerboseTrace(
      (text) => written.push(text),
      (event) => {
        described.push(event.type);
        return [`  note: ${(event as typeof note).text}`];
      },
    );

    trace(note);
    trace({ ...base, type: 'correction', reason: 'empty', message: 'Answer.' });

    expect(written).toEqual(['  note: key [redacted]\\x1B[2J\n', '  correction (empty): Answer.\n']);
    expect(described).toEqual(['note-taken']);
  });

  it('leaves them out without a describer', () => {
    const written: string[] = [];

    createVerboseTrace((text) => written.push(text))(note);

    expect(written).toEqual([]);
  });
});
