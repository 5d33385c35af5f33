export { traceRun } from './trace-run.ts';
export type { TraceRunOptions, TracedRunOptions } from './trace-run.ts';
export { tracedFetch } from './traced-fetch.ts';
export { formatSpanTree } from './span-tree.ts';
export type { SpanTreeNode } from './span-tree.ts';
