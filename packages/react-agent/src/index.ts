export { ReactAgent, DEFAULT_MAX_STEPS } from './react-agent.ts';
export type { ReactAgentOptions, ReactRunOptions, StreamOptions } from './react-agent.ts';
export { DEFAULT_JSON_PROMPT, DEFAULT_NATIVE_PROMPT, describeTools } from './system-prompt.ts';
export type { ToolCallingMode } from './system-prompt.ts';
export { FINAL_ATTEMPT_MESSAGE } from './react-loop.ts';
export { JSON_REPLY_SHAPES } from './json-protocol.ts';
