import { z } from 'zod';
import { withoutClosingStop } from '../message-text.ts';
import type { ApprovalResolvedEvent, EventInput } from './agent-events.ts';

/** A tool call that waits for a person's decision before it runs. */
export interface PendingToolApproval {
  kind: 'tool-call';
  /** The call's id: the key of its decision in `resume`'s `approvals`. */
  callId: string;
  /** The step the call belongs to. */
  step: number;
  toolName: string;
  /** The arguments as the model gave them, known secrets redacted. */
  arguments: unknown;
}

/**
 * A code block that waits for a person's decision before it runs (the code agent): it calls tools
 * that need approval, and one decision covers the whole block.
 */
export interface PendingCodeApproval {
  kind: 'code';
  /** The block's id: the key of its decision in `resume`'s `approvals`. */
  callId: string;
  step: number;
  /** The code that would run, known secrets redacted. */
  code: string;
  /** The calls of approval-requiring tools found in the code, each with its source text. */
  calls: { toolName: string; source: string }[];
}

/** What a paused run waits for: one decision per entry. */
export type PendingApproval = PendingToolApproval | PendingCodeApproval;

/** What a pending approval asks, as an agent's protocol describes it (the run fills in the step). */
export type ApprovalRequest = Omit<PendingToolApproval, 'step'> | Omit<PendingCodeApproval, 'step'>;

/** A person's decision on one pending approval; a declined call goes back to the model with the reason. */
export type ApprovalDecision = { approved: true } | { approved: false; reason?: string | undefined };

/** A decision as a run keeps it: which call of which step it answered. */
export interface ApprovalRecord {
  step: number;
  callId: string;
  decision: ApprovalDecision;
}

/** Validates one decision as `resume` receives it: plain JavaScript callers can pass anything. */
export const approvalDecisionSchema = z.union([
  z.strictObject({ approved: z.literal(true) }),
  z.strictObject({ approved: z.literal(false), reason: z.string().optional() }),
]);

/** The `approval-resolved` event of a decision taken on call `callId`. */
export function approvalResolved(callId: string, decision: ApprovalDecision): EventInput<ApprovalResolvedEvent> {
  const reason = decision.approved ? {} : { reason: decision.reason };
  return { type: 'approval-resolved', callId, approved: decision.approved, ...reason };
}

/** The observation a declined call gives the model. */
export function declinedMessage(what: string, decision: { reason?: string | undefined }): string {
  const said = withoutClosingStop(decision.reason?.trim() ?? '');
  const reason = said === '' ? '' : ` Reason: ${said}.`;
  return `The user declined ${what}, so it did not run.${reason} Do not retry it unchanged; answer without it or try another way.`;
}

const pausedBrand = Symbol.for('@tinyagent/core/run-paused');

/**
 * Thrown through a protocol's step when the run must wait for approvals; the engine turns it into a
 * result in state `awaiting_approval`. A protocol must let it pass: it is not a failure.
 */
export class RunPaused extends Error {
  constructor() {
    super('The run is waiting for approval.');
    this.name = 'RunPaused';
    Object.defineProperty(this, pausedBrand, { value: true });
  }

  /**
   * True for a RunPaused of any installed copy of core (a registered brand, like the errors'), where
   * `instanceof` only knows this copy's class.
   */
  static isInstance(value: unknown): value is RunPaused {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[pausedBrand] === true;
  }
}
