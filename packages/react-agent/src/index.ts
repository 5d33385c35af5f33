export { ReactAgent } from './react-agent.ts';
export type { ReactAgentOptions } from './react-agent.ts';
export { DEFAULT_JSON_PROMPT, DEFAULT_NATIVE_PROMPT } from './system-prompt.ts';
export type { ToolCallingMode } from './system-prompt.ts';
