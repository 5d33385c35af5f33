// @tinyagent/core/internal: what TinyAgent's own packages share and applications should not need.
// Unstable: anything here may change or go in any release, without notice in the changelog.
export { abortReason, raceAbort, sleep, throwIfAborted } from './abort.ts';
export { getLogger } from './logger.ts';
export { escapeControls } from './terminal-text.ts';
export { getPromptFallback, renderPrompt } from './prompts.ts';
export { describeThrown, resultToJson } from './tools/stringify.ts';
export { deadlineKeepingTool, isTool, mayAbort, toolTimeoutError } from './tools/tool.ts';
export { toolFailureError } from './tools/tool-failure.ts';
export { checkMilliseconds, MAX_DELAY_MS } from './run/milliseconds.ts';
export {
  createAgentModel,
  collectTools,
  checkAgentOptions,
  AGENT_MODEL_OPTION_KEYS,
  MODEL_OPTION_HINTS,
} from './run/agent-setup.ts';
export { checkOptionKeys } from './run/option-keys.ts';
export { hasErrorCode } from './errors.ts';
export { createScriptedModel } from './testing/scripted-model.ts';
export type {
  ScriptedModel,
  ScriptedModelOptions,
  ScriptedStep,
  ScriptedFailure,
  RecordedChatRequest,
} from './testing/scripted-model.ts';
export { checkStreamOptions } from './testing/scripted-stream.ts';
export type { ScriptedStreamOptions } from './testing/scripted-stream.ts';
export { createIdSequence, normalizeReply } from './testing/replies.ts';
export type { ScriptedReply, ScriptedToolCall, ReplyWireShape, NormalizedReply } from './testing/replies.ts';
export { createIsolatedWorker, siblingScriptUrl, WorkerThread } from './worker-thread.ts';
export type { IsolatedWorkerOptions, WorkerThreadEnd, WorkerThreadOptions } from './worker-thread.ts';
export { executeRun, outputOrThrow } from './run/execute-run.ts';
export type { RunSetup } from './run/execute-run.ts';
export { streamRunEvents } from './run/event-stream.ts';
export { answerUntilToolCall } from './run/model-deltas.ts';
export { indent, preview } from './run/verbose-trace.ts';
export { invokeTool, standaloneInvocation } from './run/tool-invocation.ts';
export type { InvocationContext } from './run/tool-invocation.ts';
export { directStepRunner } from './run/step-runner.ts';
export { RunPaused } from './run/approvals.ts';
