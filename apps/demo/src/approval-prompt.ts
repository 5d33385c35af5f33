import { createInterface } from 'node:readline';
import type { ApprovalDecision, PendingApproval } from '@tinyagent/core';
import { redactSecrets, stringifyResult } from '@tinyagent/core';
import { escapeControls } from '@tinyagent/core/internal';
import type { Output } from './progress.ts';

/** Decisions on a paused run's approvals, by callId, as `agent.resume` takes them. */
export type Decisions = Record<string, ApprovalDecision>;

/** Asks a person, line by line, to decide on pending approvals. */
export interface ApprovalPrompter {
  /** The decisions on `pending`, or undefined when the input ended (or was interrupted) first. */
  decide(pending: readonly PendingApproval[]): Promise<Decisions | undefined>;
  close(): void;
}

/** What a pending approval would do, in a few lines for a terminal. */
export function describeApproval(approval: PendingApproval): string {
  const what =
    approval.kind === 'tool-call'
      ? `  ${approval.toolName}(${stringifyResult(approval.arguments)})`
      : `  code that calls ${approval.calls.map((call) => call.source).join(', ')}:\n${approval.code.replace(/^/gm, '    ')}`;
  // The arguments are the model's: no escape sequence of theirs reaches the terminal.
  return escapeControls(redactSecrets(`step ${approval.step}, ${approval.callId}:\n${what}`));
}

/** The same decision on every pending approval: what `--approve` or `--decline <reason>` says. */
export function decideAll(pending: readonly PendingApproval[], decision: ApprovalDecision): Decisions {
  return Object.fromEntries(pending.map((approval) => [approval.callId, decision]));
}

/**
 * A prompter reading answers from `input` and writing questions to `output`: `y` or `n` per
 * approval, and for `n` a reason the model is told. `signal` (Ctrl-C) ends the questions.
 */
export function createApprovalPrompter(
  input: NodeJS.ReadableStream,
  output: Output,
  signal: AbortSignal,
): ApprovalPrompter {
  const lines = createInterface({ input, crlfDelay: Infinity, terminal: false });
  // One iterator for every question: lines typed ahead of a question are kept for it.
  const iterator = lines[Symbol.asyncIterator]();
  const close = (): void => lines.close();
  signal.addEventListener('abort', close, { once: true });
  const answer = async (question: string): Promise<string | undefined> => {
    output.write(question);
    const next = await iterator.next();
    return next.done === true ? undefined : next.value.trim();
  };
  const decideOne = async (approval: PendingApproval): Promise<ApprovalDecision | undefined> => {
    output.write(`\n${describeApproval(approval)}\n`);
    let said = await answer('approve? [y/n] ');
    while (said !== undefined && !/^(y|yes|n|no)$/i.test(said)) said = await answer('please answer y or n: ');
    if (said === undefined) return undefined;
    if (/^y/i.test(said)) return { approved: true };
    const reason = await answer('why not? (the model reads this; empty for no reason) ');
    if (reason === undefined) return undefined;
    return reason === '' ? { approved: false } : { approved: false, reason };
  };
  return {
    async decide(pending) {
      const decisions: Decisions = {};
      for (const approval of pending) {
        const decision = await decideOne(approval);
        if (decision === undefined) return undefined;
        decisions[approval.callId] = decision;
      }
      return decisions;
    },
    close: () => {
      signal.removeEventListener('abort', close);
      close();
    },
  };
}
