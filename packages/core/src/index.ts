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
  ConfigurationError,
  PromptFileError,
  ToolRegistryError,
} from './errors.ts';
export type { TinyAgentErrorCode, StepLimitContext, ToolInputIssue } from './errors.ts';
export { loadPromptFromFile, getPromptFallback, renderPrompt, PROMPT_FILE_EXTENSIONS } from './prompts.ts';
export type {
  ChatModel,
  ChatMessage,
  ChatRequest,
  ChatResponse,
  ToolCall,
  ToolDefinition,
  Usage,
  FinishReason,
} from './chat-model.ts';
export { OpenAIChatModel, resolveOpenAIConnection, DEFAULT_MODEL } from './openai-chat-model.ts';
export type { OpenAIChatModelOptions, OpenAIConnection } from './openai-chat-model.ts';
export { stringifyResult } from './stringify.ts';
export { throwIfAborted, abortReason, raceAbort, combineSignals, isAbortError, sleep } from './abort.ts';
export { getLogger, setLogger, createConsoleLogger } from './logger.ts';
export type { Logger, LogLevel } from './logger.ts';
export { redactSecrets, registerSecret, SECRET_ENV_VARS } from './secrets.ts';
export { z } from 'zod';
