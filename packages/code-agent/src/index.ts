export { JsExecutor } from './sandbox/js-executor.ts';
export type { JsExecutorOptions, ExecutionOptions } from './sandbox/js-executor.ts';
export type { ExecutionResult } from './sandbox/execution-result.ts';
export { DEFAULT_LIMITS } from './sandbox/sandbox-limits.ts';
export type { SandboxLimits } from './sandbox/sandbox-limits.ts';
export type { SandboxToolStart, SandboxToolEnd } from './sandbox/tool-bridge.ts';
export { SandboxError } from './sandbox/sandbox-error.ts';
export { SANDBOX_GLOBALS } from './sandbox/sandbox-tools.ts';
