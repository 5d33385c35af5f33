import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ConfigurationError } from '../errors.ts';
import type { ChatMessage } from '../model/chat-model.ts';
import type { Tool } from '../tools/tool.ts';
import type { ApprovalRecord, PendingApproval } from './approvals.ts';
import { approvalDecisionSchema } from './approvals.ts';
import type { RunUsage } from './run-result.ts';
import type { JournalEntry } from './run-journal.ts';

/** The snapshot format this version of core writes and reads. */
export const SNAPSHOT_VERSION = 1;

/**
 * A run, saved: plain JSON data (no functions, no class instances, no secrets) from which
 * `agent.resume` continues it, in this or another process, hours later if need be. Taken at every
 * step boundary (`onSnapshot`) and whenever the run pauses for approval (`RunResult.snapshot`).
 * The journal of completed steps is what resumes the run: the agent replays them, answered from the
 * journal, which rebuilds its state (a code agent's sandbox included); the transcript is for reading.
 */
export interface RunSnapshot {
  version: typeof SNAPSHOT_VERSION;
  /** The agent (and protocol) that took it, such as `ReactAgent/native`; only that kind resumes it. */
  agent: string;
  runId: string;
  /** The task, known secrets redacted. */
  task: string;
  /** The `history` the run started with, known secrets redacted. */
  history: ChatMessage[];
  maxSteps: number;
  /** `awaiting_approval` when the run paused in `step`; `running` when `step` was complete. */
  status: 'running' | 'awaiting_approval';
  step: number;
  stepsTaken: number;
  usage: RunUsage;
  /**
   * The agent's tools, each with a hash of its argument schema: a snapshot resumes only with the same.
   * Read-only: the snapshots an agent takes in one process share one frozen list (copy it to change it).
   */
  tools: readonly Readonly<{ name: string; schemaHash: string }>[];
  /** The conversation so far, known secrets redacted. */
  transcript: ChatMessage[];
  /** Every completed model call, tool call and agent step, in order. */
  journal: JournalEntry[];
  /** Every decision made on an approval so far. */
  approvals: ApprovalRecord[];
  /** What the run waits for; empty unless `status` is `awaiting_approval`. */
  pendingApprovals: PendingApproval[];
  /** The runs of agents called as tools (`asTool`) that paused with this one, by the call that ran each. */
  subRuns: { step: number; callId: string; snapshot: RunSnapshot }[];
  /** When it was taken (ISO 8601). */
  takenAt: string;
}

/**
 * Each tool's name and the hash of its argument schema, as snapshots record them. Frozen: an agent
 * computes the list once and every snapshot it takes shares it, so a change made through one
 * snapshot would otherwise alter the others and the agent's own check of the snapshots it resumes.
 */
export function toolFingerprints(tools: Iterable<Tool>): RunSnapshot['tools'] {
  const fingerprints = [...tools].map((entry) =>
    Object.freeze({
      name: entry.name,
      schemaHash: createHash('sha256').update(JSON.stringify(entry.jsonSchema)).digest('hex').slice(0, 32),
    }),
  );
  return Object.freeze(fingerprints);
}

/**
 * Reads a snapshot for an agent of `kind` with `tools`: validates it (a JSON string is parsed
 * first) and throws ConfigurationError saying what differs when it is not a snapshot, comes from
 * another format version or another kind of agent, or was taken with other tools.
 */
export function readSnapshot(input: unknown, kind: string, tools: RunSnapshot['tools']): RunSnapshot {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input) as unknown;
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new ConfigurationError(`The snapshot to resume is a string but not JSON: ${detail}.`);
    }
  }
  const version = typeof value === 'object' && value !== null ? (value as { version?: unknown }).version : undefined;
  if (typeof version === 'number' && version !== SNAPSHOT_VERSION) {
    throw new ConfigurationError(
      `The snapshot is of format version ${JSON.stringify(version)}; this version of @tinyagent/core reads ` +
        `version ${SNAPSHOT_VERSION}. Resume it with the version of TinyAgent that took it.`,
    );
  }
  const parsed = snapshotSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new ConfigurationError(`The value to resume is not a RunSnapshot: ${issues.join('; ')}.`);
  }
  const snapshot = parsed.data as RunSnapshot;
  if (snapshot.agent !== kind) {
    throw new ConfigurationError(
      `The snapshot was taken by ${snapshot.agent}; this agent is ${kind}. Resume it with the kind of agent that took it.`,
    );
  }
  const difference = describeToolDifference(snapshot.tools, tools);
  if (difference !== undefined) {
    throw new ConfigurationError(
      `The snapshot was taken with other tools: ${difference}. Resume it with an agent that has the same tools.`,
    );
  }
  return snapshot;
}

function describeToolDifference(recorded: RunSnapshot['tools'], current: RunSnapshot['tools']): string | undefined {
  const now = new Map(current.map((entry) => [entry.name, entry.schemaHash]));
  const then = new Map(recorded.map((entry) => [entry.name, entry.schemaHash]));
  const said: string[] = [];
  const missing = [...then.keys()].filter((name) => !now.has(name));
  const added = [...now.keys()].filter((name) => !then.has(name));
  const changed = [...then].filter(([name, hash]) => now.has(name) && now.get(name) !== hash).map(([name]) => name);
  if (missing.length > 0) said.push(`this agent lacks ${missing.join(', ')}`);
  if (added.length > 0) said.push(`this agent adds ${added.join(', ')}`);
  if (changed.length > 0) said.push(`the arguments of ${changed.join(', ')} changed`);
  return said.length === 0 ? undefined : said.join('; ');
}

// Counts are never below 0; a provider may report fractional tokens, so they need not be whole.
const count = z.number().nonnegative();

const runUsageSchema = z.strictObject({
  requests: z.int().nonnegative(),
  requestsWithoutUsage: z.int().nonnegative(),
  inputTokens: count,
  outputTokens: count,
  totalTokens: count,
});

const toolCallSchema = z.strictObject({ id: z.string(), name: z.string(), arguments: z.string() });

const messageSchema = z.union([
  z.strictObject({ role: z.literal('system'), content: z.string() }),
  z.strictObject({ role: z.literal('user'), content: z.string() }),
  z.strictObject({
    role: z.literal('assistant'),
    content: z.string().nullable(),
    toolCalls: z.array(toolCallSchema).optional(),
  }),
  z.strictObject({ role: z.literal('tool'), toolCallId: z.string(), content: z.string() }),
]);

const usageSchema = z.strictObject({ inputTokens: count, outputTokens: count, totalTokens: count });

// What the seam recorded for a model call: a reply that passed the model check when it was made.
const chatResponseSchema = z.strictObject({
  content: z.string().nullable(),
  toolCalls: z.array(toolCallSchema),
  finishReason: z.enum(['stop', 'length', 'tool_calls', 'content_filter', 'unknown']),
  usage: usageSchema.optional(),
  model: z.string().optional(),
  reasoning: z.string().optional(),
  refusal: z.string().optional(),
});

const toolOutcomeSchema = z.strictObject({
  output: z.string(),
  isError: z.boolean(),
  failure: z.strictObject({ name: z.string(), message: z.string() }).optional(),
  returned: z
    .union([
      z.strictObject({ kind: z.literal('undefined') }),
      z.strictObject({ kind: z.enum(['string', 'json']), text: z.string() }),
    ])
    .optional(),
  originalLength: z.int().nonnegative().optional(),
  usage: runUsageSchema.optional(),
});

const journalEntrySchema = z
  .strictObject({
    id: z.string().regex(/^\d+\/\S+$/),
    // Read as JSON gives it; an agent's own results are its to check.
    result: z.unknown(),
    call: z.strictObject({ name: z.string(), arguments: z.unknown() }).optional(),
  })
  .superRefine((entry, context) => {
    const schema = entry.id.endsWith('/model')
      ? chatResponseSchema
      : /^\d+\/tool\//.test(entry.id)
        ? toolOutcomeSchema
        : undefined;
    if (schema === undefined) return;
    for (const issue of schema.safeParse(entry.result).error?.issues ?? []) {
      context.addIssue({ code: 'custom', path: ['result', ...issue.path], message: issue.message });
    }
  });

const pendingSchema = z.union([
  z.strictObject({
    kind: z.literal('tool-call'),
    callId: z.string(),
    step: z.number(),
    toolName: z.string(),
    arguments: z.unknown(),
  }),
  z.strictObject({
    kind: z.literal('code'),
    callId: z.string(),
    step: z.number(),
    code: z.string(),
    calls: z.array(z.strictObject({ toolName: z.string(), source: z.string() })),
  }),
]);

const snapshotSchema: z.ZodType = z
  .strictObject({
    version: z.literal(SNAPSHOT_VERSION),
    agent: z.string(),
    runId: z.string().min(1),
    task: z.string().min(1),
    history: z.array(messageSchema),
    maxSteps: z.int().positive(),
    status: z.enum(['running', 'awaiting_approval']),
    step: z.int().nonnegative(),
    stepsTaken: z.int().nonnegative(),
    usage: runUsageSchema,
    tools: z.array(z.strictObject({ name: z.string(), schemaHash: z.string() })),
    transcript: z.array(messageSchema),
    journal: z.array(journalEntrySchema),
    approvals: z.array(z.strictObject({ step: z.int(), callId: z.string(), decision: approvalDecisionSchema })),
    pendingApprovals: z.array(pendingSchema),
    subRuns: z.array(
      z.strictObject({ step: z.int(), callId: z.string(), snapshot: z.lazy((): z.ZodType => snapshotSchema) }),
    ),
    takenAt: z.string(),
  })
  // A run paused for approval waits for at least one decision: without one, nothing could resume it.
  .refine((snapshot) => snapshot.status !== 'awaiting_approval' || snapshot.pendingApprovals.length > 0, {
    message: "a snapshot with status 'awaiting_approval' lists the approvals it waits for; this one lists none",
    path: ['pendingApprovals'],
  });
