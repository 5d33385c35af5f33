export { tool, createRunScope } from './tools/tool.ts';
export type {
  Tool,
  ToolOptions,
  JsonSchemaToolOptions,
  JsonSchemaToolArguments,
  ToolContext,
  ToolRunOptions,
  ToolParameters,
  JsonSchema,
  RunScope,
  NeedsApproval,
  ApprovalContext,
} from './tools/tool.ts';
export { ToolRegistry, getRegistry, freezeRegistry, resetRegistry } from './tools/tool-registry.ts';
export type { ReadonlyToolRegistry, RegisterOptions } from './tools/tool-registry.ts';
export { Finalizer } from './run/final-answer.ts';
export type { FinalAnswer, FinalAnswerSource, SetFinalAnswerOptions } from './run/final-answer.ts';
export type { RunResult, RunState, RunUsage } from './run/run-result.ts';
export type { StepRecord, ModelReplyRecord, ModelRetryRecord, ToolCallRecord } from './run/step-records.ts';
export {
  TinyAgentError,
  isTinyAgentError,
  StepLimitReached,
  MultipleFinalAnswers,
  InvalidFinalAnswer,
  ToolInputError,
  ToolExecutionError,
  ModelCallError,
  ModelRefusalError,
  ConfigurationError,
  PromptFileError,
  ToolRegistryError,
  RunAbortedError,
  ApprovalRequiredError,
  ReplayDivergedError,
} from './errors.ts';
export type {
  TinyAgentErrorCode,
  TinyAgentErrorOptions,
  StepLimitContext,
  ToolInputIssue,
  ModelRefusalReason,
} from './errors.ts';
export { loadPromptFromFile } from './prompts.ts';
export type {
  ChatModel,
  ChatMessage,
  ChatRequest,
  ChatResponse,
  ToolCall,
  ToolDefinition,
  ToolChoice,
  Usage,
  FinishReason,
  ModelRetry,
  ModelDelta,
  TextDelta,
  ReasoningDelta,
  ToolCallDelta,
} from './model/chat-model.ts';
export { OpenAIChatModel, resolveOpenAIConnection } from './model/openai-chat-model.ts';
export type { OpenAIChatModelOptions, OpenAIConnection, OpenAIClientLike } from './model/openai-chat-model.ts';
export { stringifyResult } from './tools/stringify.ts';
export { setLogger, createConsoleLogger } from './logger.ts';
export type { Logger, LogLevel } from './logger.ts';
export { redactSecrets, redactValue, registerSecret } from './secrets.ts';
export { z } from 'zod';
export { Agent } from './run/agent.ts';
export type { AgentDefinition } from './run/agent.ts';
export type { AgentToolOptions, DefaultAgentToolParameters } from './run/agent-tool.ts';
export type { AgentProtocol, ProtocolRun, ModelCallStream, ModelCallStreamContext } from './run/agent-protocol.ts';
export { MAX_UNREAD_EVENTS } from './run/event-stream.ts';
export { answerText } from './run/answer-text.ts';
export { serverSentEvents, serverSentEventsResponse } from './run/server-sent-events.ts';
export type { ServerSentEventsOptions } from './run/server-sent-events.ts';
export { writeServerSentEvents } from './run/server-sent-node.ts';
export type { RunResultDetail, ErrorPayload } from './run/server-sent-frames.ts';
export type { AgentRun, ModelRequest, InvokeToolsOptions } from './run/agent-run.ts';
export type { ToolCallRequest, ToolCallOutcome, InvokeOptions, ReturnedValue } from './run/tool-invocation.ts';
export { directStepRunner } from './run/step-runner.ts';
export type { StepRunner } from './run/step-runner.ts';
export { DEFAULT_TOOL_TIMEOUT_MS } from './run/run-options.ts';
export type { RunOptions, RunOptionsWithResult, StreamOptions, ResumeOptions } from './run/run-options.ts';
export { SNAPSHOT_VERSION } from './run/run-snapshot.ts';
export type { RunSnapshot } from './run/run-snapshot.ts';
export type { JournalEntry } from './run/run-journal.ts';
export type {
  PendingApproval,
  PendingToolApproval,
  PendingCodeApproval,
  ApprovalRequest,
  ApprovalDecision,
  ApprovalRecord,
} from './run/approvals.ts';
export type { OutputSchema, AnswerOf, AnswerValueOf } from './run/structured-output.ts';
export type {
  AgentEvent,
  CustomEvent,
  EventEnvelope,
  EventInput,
  RunStartEvent,
  StepStartEvent,
  ModelRequestEvent,
  ModelRetryEvent,
  TextDeltaEvent,
  ReasoningDeltaEvent,
  ToolCallDeltaEvent,
  AnswerDeltaEvent,
  ModelResponseEvent,
  ToolStartEvent,
  ToolEndEvent,
  ApprovalRequestedEvent,
  ApprovalResolvedEvent,
  CorrectionEvent,
  FinalAnswerEvent,
  RunEndEvent,
} from './run/agent-events.ts';
export type { AgentModelOptions } from './run/agent-setup.ts';
