// The scripted model lives in core (whose own tests use it) and is published here.
export { createScriptedModel } from '@tinyagent/core/internal';
export type {
  ScriptedModel,
  ScriptedModelOptions,
  ScriptedStep,
  ScriptedFailure,
  RecordedChatRequest,
  ScriptedStreamOptions,
} from '@tinyagent/core/internal';
export { startFakeOpenAI } from './fake-openai-server.ts';
export type {
  FakeOpenAIServer,
  FakeOpenAIOptions,
  FakeResponse,
  FakeHttpError,
  FakeFault,
  FakeRawReply,
  FakeStreamError,
  FakeRequest,
  ChatCompletionBody,
} from './fake-openai-server.ts';
export type { ScriptedReply, ScriptedToolCall, ReplyWireShape } from '@tinyagent/core/internal';
export { DEAD_BASE_URL } from './dead-base-url.ts';
export { captureLogs } from './capture-logs.ts';
export type { CapturedLog, LogCapture } from './capture-logs.ts';
export { seededRandom, streamSplits } from './stream-splits.ts';
export { tempFiles } from './temp-files.ts';
export type { TempFiles } from './temp-files.ts';
export { createApprovalTools } from './approval-tools.ts';
export type { ApprovalTools } from './approval-tools.ts';
