import {
  ConfigurationError,
  ModelCallError,
  PromptFileError,
  RunAbortedError,
  StepLimitReached,
  redactSecrets,
} from '@tinyagent/core';

/**
 * A mistake in what the user gave a demo (a file that is not a saved run, say): the message says
 * what is wrong, the hint what to do instead.
 */
export class DemoInputError extends Error {
  readonly hint: string;

  constructor(message: string, options: { hint: string; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'DemoInputError';
    this.hint = options.hint;
  }
}

/** What the demo prints when something fails: a one-line cause and, when there is one, a hint. */
export interface FailureReport {
  cause: string;
  hint: string | undefined;
  /** The process exit code: 130 for an interrupted run (as a shell does for Ctrl-C), 1 otherwise. */
  exitCode: number;
}

/** Describes an error for a person at a terminal, secrets redacted. */
export function describeFailure(error: unknown): FailureReport {
  const cause = redactSecrets(firstLine(error instanceof Error ? error.message : String(error)));
  return { cause, hint: hintFor(error), exitCode: RunAbortedError.isInstance(error) && !error.timedOut ? 130 : 1 };
}

function hintFor(error: unknown): string | undefined {
  if (error instanceof DemoInputError) return error.hint;
  if (ConfigurationError.isInstance(error)) {
    return 'set OPENAI_API_KEY for OpenAI, or OPENAI_BASE_URL for a local server (Ollama: http://localhost:11434/v1); unset both to run offline.';
  }
  if (ModelCallError.isInstance(error)) return modelHint(error);
  if (RunAbortedError.isInstance(error)) {
    return error.timedOut ? 'the run took too long; try a faster model or a simpler question.' : undefined;
  }
  if (StepLimitReached.isInstance(error)) {
    return 'the model did not finish within its steps; try again, or a stronger model (TINYAGENT_MODEL).';
  }
  if (PromptFileError.isInstance(error)) return `check the prompt file ${error.path}.`;
  return 'this looks like a bug in the demo; run again with --debug to see the stack trace.';
}

function modelHint(error: ModelCallError): string {
  const { status } = error;
  if (status === 401 || status === 403) return 'check OPENAI_API_KEY: the server did not accept it.';
  if (status === 404) return 'check TINYAGENT_MODEL, and that OPENAI_BASE_URL ends where the API starts (usually /v1).';
  if (status === 429) return 'the server is rate-limiting you; wait a little or check your quota.';
  if (status === undefined) return 'is the server at OPENAI_BASE_URL running and reachable?';
  return 'the model server failed; try again in a moment.';
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? text;
}
