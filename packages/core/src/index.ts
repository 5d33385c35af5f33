export { tool, isTool, createRunScope } from './tool.ts';
export type { Tool, ToolOptions, ToolContext, ToolRunOptions, ToolParameters, JsonSchema, RunScope } from './tool.ts';
export { ToolRegistry, getRegistry, freezeRegistry, resetRegistry } from './tool-registry.ts';
export type { ReadonlyToolRegistry, RegisterOptions } from './tool-registry.ts';
export { Finalizer } from './final-answer.ts';
export type { FinalAnswer, FinalAnswerSource, SetFinalAnswerOptions } from './final-answer.ts';
export { emptyUsage, addUsage } from './run-result.ts';
export type { RunResult, RunState, RunUsage } from './run-result.ts';
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
} from './errors.ts';
export type { TinyAgentErrorCode, StepLimitContext, ToolInputIssue, ModelRefusalReason } from './errors.ts';
export { loadPromptFromFile, getPromptFallback, renderPrompt, PROMPT_FILE_EXTENSIONS } from './prompts.ts';
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
} from './chat-model.ts';
export { OpenAIChatModel, resolveOpenAIConnection, DEFAULT_MODEL } from './openai-chat-model.ts';
export type { OpenAIChatModelOptions, OpenAIConnection } from './openai-chat-model.ts';
export { describeThrown, resultToJson, stringifyResult } from './stringify.ts';
export { throwIfAborted, abortReason, raceAbort, combineSignals, isAbortError, sleep } from './abort.ts';
export { getLogger, setLogger, createConsoleLogger } from './logger.ts';
export type { Logger, LogLevel } from './logger.ts';
export { redactSecrets, redactValue, registerSecret, SECRET_ENV_VARS } from './secrets.ts';
export { z } from 'zod';
export { executeRun, outputOrThrow } from './agent-run.ts';
export type { RunOptions, RunOptionsWithResult, AgentRun, RunSetup } from './agent-run.ts';
export type {
  AgentEvent,
  AgentEventInput,
  RunStartEvent,
  StepStartEvent,
  ModelRequestEvent,
  ModelResponseEvent,
  ToolStartEvent,
  ToolEndEvent,
  CodeStartEvent,
  CodeEndEvent,
  CorrectionEvent,
  FinalAnswerEvent,
  RunEndEvent,
} from './agent-events.ts';
export { streamRunEvents } from './event-stream.ts';
export { createVerboseTrace, describeEvent } from './verbose-trace.ts';
export { escapeControls } from './terminal-text.ts';
export { createAgentModel, collectTools, AGENT_MODEL_OPTION_KEYS, MODEL_OPTION_HINTS } from './agent-setup.ts';
export { checkOptionKeys } from './option-keys.ts';
export type { AgentModelOptions } from './agent-setup.ts';
