import { describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  InvalidFinalAnswer,
  ModelCallError,
  ModelRefusalError,
  MultipleFinalAnswers,
  PromptFileError,
  StepLimitReached,
  TinyAgentError,
  ToolExecutionError,
  ToolInputError,
  ToolRegistryError,
  isTinyAgentError,
} from './errors.ts';
import type { TinyAgentErrorCode } from './errors.ts';

const brand = Symbol.for('@tinyagent/core/error');

/** An error as another installed copy of core would throw it: same brand and code, different class. */
function fromAnotherCopy(code: TinyAgentErrorCode): Error {
  const error = new Error('thrown by another copy of @tinyagent/core');
  Object.defineProperty(error, brand, { value: true });
  return Object.assign(error, { code });
}

const classes = [
  {
    type: StepLimitReached,
    code: 'step_limit_reached',
    make: () => new StepLimitReached('limit', { stepsTaken: 1, finalAttemptMade: false, context: { maxSteps: 1 } }),
  },
  {
    type: MultipleFinalAnswers,
    code: 'multiple_final_answers',
    make: () => new MultipleFinalAnswers('twice', { firstAnswer: 1, secondAnswer: 2 }),
  },
  {
    type: InvalidFinalAnswer,
    code: 'invalid_final_answer',
    make: () => new InvalidFinalAnswer('empty', { rawContent: '', validationError: 'empty' }),
  },
  { type: ToolInputError, code: 'tool_input', make: () => new ToolInputError('bad', { toolName: 't', issues: [] }) },
  { type: ToolExecutionError, code: 'tool_execution', make: () => new ToolExecutionError('boom', { toolName: 't' }) },
  { type: ModelCallError, code: 'model_call', make: () => new ModelCallError('down', { retryable: true }) },
  {
    type: ModelRefusalError,
    code: 'model_refusal',
    make: () => new ModelRefusalError('no', { reason: 'refusal', refusal: 'no' }),
  },
  { type: ConfigurationError, code: 'configuration', make: () => new ConfigurationError('bad') },
  { type: PromptFileError, code: 'prompt_file', make: () => new PromptFileError('missing', { path: 'p.md' }) },
  { type: ToolRegistryError, code: 'registry', make: () => new ToolRegistryError('frozen') },
] as const;

describe('StepLimitReached', () => {
  it('carries the steps taken, whether a final attempt was made, and the context', () => {
    const context = { maxSteps: 5, lastReply: 'Thought: still searching' };
    const error = new StepLimitReached(StepLimitReached.describe(5, true), {
      stepsTaken: 5,
      finalAttemptMade: true,
      context,
    });

    expect(error).toBeInstanceOf(TinyAgentError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('step_limit_reached');
    expect(error.name).toBe('StepLimitReached');
    expect(error.stepsTaken).toBe(5);
    expect(error.finalAttemptMade).toBe(true);
    expect(error.context).toEqual({ maxSteps: 5, lastReply: 'Thought: still searching' });
    expect(error.message).toContain('5 steps');
    expect(error.message).toContain('final attempt produced none');
    expect(error.message).toContain('Raise maxSteps');
  });

  it('does not mention a final attempt that was not made', () => {
    const error = new StepLimitReached(StepLimitReached.describe(3, false), {
      stepsTaken: 3,
      finalAttemptMade: false,
      context: { maxSteps: 3 },
    });

    expect(error.finalAttemptMade).toBe(false);
    expect(error.message).not.toContain('final attempt');
    expect(error.context.lastReply).toBeUndefined();
  });
});

describe('TinyAgentError', () => {
  it('lets agent packages define their own errors on a reserved code', () => {
    class SandboxError extends TinyAgentError {
      constructor(message: string) {
        super(message, { code: 'sandbox' });
      }
    }
    const error = new SandboxError('the sandbox worker crashed');

    expect(isTinyAgentError(error)).toBe(true);
    expect(error.code).toBe('sandbox');
    expect(error.name).toBe('SandboxError');
  });
});

describe('MultipleFinalAnswers', () => {
  it('carries both answers', () => {
    const error = new MultipleFinalAnswers('Answer exactly once.', {
      firstAnswer: { answer: 1 },
      secondAnswer: 'second',
    });

    expect(error.code).toBe('multiple_final_answers');
    expect(error.name).toBe('MultipleFinalAnswers');
    expect(error.firstAnswer).toEqual({ answer: 1 });
    expect(error.secondAnswer).toBe('second');
    expect(error.message).toContain('exactly once');
  });
});

describe('InvalidFinalAnswer', () => {
  it('carries the raw content and the validation error, and says what was wrong', () => {
    const cause = new SyntaxError('Unexpected token');
    const error = new InvalidFinalAnswer('The final answer is invalid: not valid JSON', {
      rawContent: '{"answer":',
      validationError: 'not valid JSON',
      cause,
    });

    expect(error.code).toBe('invalid_final_answer');
    expect(error.name).toBe('InvalidFinalAnswer');
    expect(error.rawContent).toBe('{"answer":');
    expect(error.validationError).toBe('not valid JSON');
    expect(error.message).toContain('not valid JSON');
    expect(error.cause).toBe(cause);
  });
});

describe('ToolInputError', () => {
  it('names the tool and leads to each offending field with a readable path', () => {
    const issues = [
      { path: ['items', 1, 'name'], message: 'expected string' },
      { path: [0, 'id'], message: 'required' },
    ];
    const error = new ToolInputError(ToolInputError.describe('save_items', issues), { toolName: 'save_items', issues });

    expect(error.code).toBe('tool_input');
    expect(error.name).toBe('ToolInputError');
    expect(error.toolName).toBe('save_items');
    expect(error.issues).toHaveLength(2);
    expect(error.message).toContain("tool 'save_items'");
    expect(error.message).toContain('items[1].name: expected string');
    expect(error.message).toContain('[0].id: required');
  });

  it('says the arguments as a whole are wrong when an issue has no path', () => {
    const message = ToolInputError.describe('search', [{ path: [], message: 'expected an object' }]);

    expect(message).toBe("Invalid arguments for tool 'search': (arguments): expected an object");
  });
});

describe('ToolExecutionError', () => {
  it('names the tool, keeps the original error as cause', () => {
    const cause = new RangeError('out of range');
    const message = ToolExecutionError.describe('divide', 'RangeError: out of range');
    const error = new ToolExecutionError(message, { toolName: 'divide', cause });

    expect(error.code).toBe('tool_execution');
    expect(error.name).toBe('ToolExecutionError');
    expect(error.toolName).toBe('divide');
    expect(error.cause).toBe(cause);
    expect(error.message).toBe("Tool 'divide' failed: RangeError: out of range");
  });
});

describe('ModelCallError', () => {
  it('carries the HTTP status, whether a retry may help, and the request id', () => {
    const error = new ModelCallError('The server answered 503', { status: 503, retryable: true, requestId: 'req_1' });

    expect(error.code).toBe('model_call');
    expect(error.name).toBe('ModelCallError');
    expect(error.status).toBe(503);
    expect(error.retryable).toBe(true);
    expect(error.requestId).toBe('req_1');
    expect(error.message).toBe('The server answered 503');
  });

  it('leaves the status undefined for a failure without a response', () => {
    const error = new ModelCallError('connection refused', { retryable: false });

    expect(error.status).toBeUndefined();
    expect(error.retryable).toBe(false);
    expect(error.requestId).toBeUndefined();
  });
});

describe('ConfigurationError, PromptFileError and ToolRegistryError', () => {
  it('keep their message, code and typed fields', () => {
    const configuration = new ConfigurationError('Set OPENAI_API_KEY.');
    const prompt = new PromptFileError('Prompt file /tmp/p.md does not exist.', { path: '/tmp/p.md' });
    const registry = new ToolRegistryError('A tool named x is already registered.');

    expect([configuration.code, prompt.code, registry.code]).toEqual(['configuration', 'prompt_file', 'registry']);
    expect([configuration.name, prompt.name, registry.name]).toEqual([
      'ConfigurationError',
      'PromptFileError',
      'ToolRegistryError',
    ]);
    expect(configuration.message).toBe('Set OPENAI_API_KEY.');
    expect(prompt.path).toBe('/tmp/p.md');
  });
});

describe('isTinyAgentError', () => {
  it('recognises errors of this copy and of another copy of core', () => {
    expect(isTinyAgentError(new ConfigurationError('x'))).toBe(true);
    expect(isTinyAgentError(fromAnotherCopy('configuration'))).toBe(true);
  });

  it('rejects plain errors, look-alikes without the brand, and non-errors', () => {
    expect(isTinyAgentError(new Error('plain'))).toBe(false);
    expect(isTinyAgentError(Object.assign(new Error('x'), { code: 'configuration' }))).toBe(false);
    expect(isTinyAgentError({ [brand]: 'yes', code: 'configuration' })).toBe(false);
    expect(isTinyAgentError(null)).toBe(false);
    expect(isTinyAgentError(undefined)).toBe(false);
    expect(isTinyAgentError('configuration')).toBe(false);
  });
});

describe.each(classes)('$code isInstance', ({ type, code, make }) => {
  it('accepts its own instances', () => {
    expect(type.isInstance(make())).toBe(true);
    expect(isTinyAgentError(make())).toBe(true);
  });

  it('accepts an error with its code from another copy of core, where instanceof fails', () => {
    const foreign = fromAnotherCopy(code);

    expect(foreign).not.toBeInstanceOf(type);
    expect(type.isInstance(foreign)).toBe(true);
  });

  it('rejects plain errors and errors of every other code', () => {
    expect(type.isInstance(new Error(code))).toBe(false);
    for (const other of classes.filter((entry) => entry.code !== code)) {
      expect(type.isInstance(fromAnotherCopy(other.code))).toBe(false);
      expect(type.isInstance(other.make())).toBe(false);
    }
  });
});
