import { ConfigurationError } from '../errors.ts';
import { shortJson } from '../tools/stringify.ts';
import type { ResumeFrom } from './run-engine.ts';
import type { ApprovalDecision, ApprovalRecord } from './approvals.ts';
import { approvalDecisionSchema } from './approvals.ts';
import type { RunSnapshot } from './run-snapshot.ts';

/**
 * What a run resumes from: the snapshot, and its decisions with the new ones. Throws
 * ConfigurationError for `approvals` that is not an object of decisions, or that decides on a call
 * the snapshot does not wait for.
 */
export function resumeFrom(
  snapshot: RunSnapshot,
  approvals: Readonly<Record<string, ApprovalDecision>> | undefined,
): ResumeFrom {
  // Read as untyped input: plain JavaScript callers can pass anything.
  const given: unknown = approvals;
  if (given === undefined) return { snapshot, approvals: snapshot.approvals };
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new ConfigurationError(
      'approvals must be an object of decisions by callId, such as { "call_1": { approved: true } }.',
    );
  }
  const pending = new Map(snapshot.pendingApprovals.map((entry) => [entry.callId, entry]));
  const records: ApprovalRecord[] = [...snapshot.approvals];
  for (const [callId, decision] of Object.entries(given as Record<string, unknown>)) {
    const waiting = pending.get(callId);
    if (waiting === undefined) {
      const ids = [...pending.keys()];
      throw new ConfigurationError(
        `approvals: the snapshot does not wait for '${callId}'; ` +
          (ids.length === 0 ? 'it waits for no approval.' : `it waits for ${ids.join(', ')}.`),
      );
    }
    const parsed = approvalDecisionSchema.safeParse(decision);
    if (!parsed.success) {
      throw new ConfigurationError(
        `approvals['${callId}'] must be { approved: true } or { approved: false, reason?: string }; got ${shortJson(decision)}.`,
      );
    }
    records.push({ step: waiting.step, callId, decision: parsed.data });
  }
  return { snapshot, approvals: records };
}
