import { MultipleFinalAnswers } from '@tinyagent/core';
import type { AnswerRecord, ExecutionOutcome, GuestError, ResetReason } from './worker-protocol.ts';

/** What one execution of model code produced. */
export interface ExecutionResult {
  /**
   * What the model reads back: the console output (or, when nothing was printed, the value of the last
   * expression), then `Execution error: <Name>: <message> (line N)` when the code failed.
   */
  output: string;
  /** True when the code called `final_answer` once and finished without error. */
  isFinal: boolean;
  /** The final answer as passed to `final_answer` (a JSON copy; its text when that was too long to copy). */
  value: unknown;
  /** The final answer as text (JSON for non-strings), cut to `maxAnswerChars`; undefined unless final. */
  answer: string | undefined;
  /** Set when `answer` was cut: the length of the full text. */
  answerLength: number | undefined;
  isError: boolean;
  /** How many tools the code called. */
  toolCalls: number;
  durationMs: number;
}

const RESET_NOTICES: Record<ResetReason, string> = {
  memory: 'the sandbox ran out of memory',
  stack: 'the sandbox overflowed its stack',
  runaway_jobs: 'callbacks kept scheduling themselves after the code was stopped',
  crash: 'the sandbox had to be restarted',
};

/** Turns a worker's outcome into the result the executor reports; `limits` phrase the errors. */
export function toExecutionResult(
  outcome: ExecutionOutcome,
  limits: { timeoutMs: number; memoryBytes: number; maxAnswerChars: number },
  durationMs: number,
): ExecutionResult {
  const answers = settleAnswers(outcome);
  const error = outcome.timedOut ? timeoutError(limits.timeoutMs) : (outcome.error ?? answers.error);
  const lines: string[] = [];
  const printed = outcome.output !== '' ? outcome.output.replace(/\n$/, '') : outcome.lastValue;
  if (printed !== undefined) lines.push(printed);
  if (error !== undefined) lines.push(`Execution error: ${describeError(error, limits.memoryBytes)}`);
  if (error !== undefined && answers.answer !== undefined && answers.error === undefined) {
    lines.push('(final_answer was called, but the code failed afterwards, so the answer was not accepted.)');
  }
  if (outcome.reset !== undefined) {
    lines.push(`(${RESET_NOTICES[outcome.reset]}: it was reset, and variables from earlier steps are gone.)`);
  }
  if (lines.length === 0) lines.push('(nothing was printed; use console.log to see values)');
  const isFinal = error === undefined && answers.answer !== undefined;
  const record = isFinal ? answers.answer : undefined;
  return {
    output: lines.join('\n'),
    isFinal,
    value: record === undefined ? undefined : answerValue(record),
    answer: record?.text.slice(0, limits.maxAnswerChars),
    answerLength: record !== undefined && record.length > limits.maxAnswerChars ? record.length : undefined,
    isError: error !== undefined,
    toolCalls: outcome.toolCalls,
    durationMs,
  };
}

// A second final_answer in one execution is the model's mistake, reported back to it as core's error.
function settleAnswers(outcome: ExecutionOutcome): {
  answer?: AnswerRecord | undefined;
  error?: GuestError | undefined;
} {
  if (outcome.answerCalls <= 1) return { answer: outcome.answer };
  return {
    answer: outcome.answer,
    error: {
      name: MultipleFinalAnswers.name,
      message: `final_answer was called ${outcome.answerCalls} times in one execution; call it exactly once.`,
      line: undefined,
    },
  };
}

function answerValue(record: AnswerRecord): unknown {
  if (!record.isJson || record.text.length < record.length) return record.text;
  try {
    return JSON.parse(record.text);
  } catch {
    return record.text;
  }
}

function timeoutError(timeoutMs: number): GuestError {
  return {
    name: 'TimeoutError',
    message: `the code ran longer than ${timeoutMs} ms and was stopped`,
    line: undefined,
  };
}

function describeError(error: GuestError, memoryBytes: number): string {
  const where = error.line === undefined ? '' : ` (line ${error.line})`;
  const message =
    error.message === 'out of memory'
      ? `out of memory (the sandbox has ${Math.round(memoryBytes / 1024 / 1024)} MiB)`
      : error.message;
  return `${error.name}: ${message}${where}`;
}
