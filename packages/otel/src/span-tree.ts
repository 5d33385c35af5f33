import type { HrTime, SpanContext } from '@opentelemetry/api';

/** What `formatSpanTree` reads of a finished span; the SDK's `ReadableSpan` has it all. */
export interface SpanTreeNode {
  readonly name: string;
  spanContext(): SpanContext;
  readonly parentSpanContext?: SpanContext | undefined;
  readonly startTime: HrTime;
}

/**
 * Finished spans (an in-memory exporter's, say) as an indented tree, one line per span: children
 * under their parent in the order they started, spans whose parent is not among them at the top.
 * Each line is `describe(span)`, the span's name by default. For tests and a look at one run.
 */
export function formatSpanTree<Span extends SpanTreeNode>(
  spans: readonly Span[],
  describe: (span: Span) => string = (span) => span.name,
): string[] {
  const ids = new Set(spans.map((span) => span.spanContext().spanId));
  const children = new Map<string | undefined, Span[]>();
  for (const span of spans) {
    const parentId = span.parentSpanContext?.spanId;
    const key = parentId !== undefined && ids.has(parentId) ? parentId : undefined;
    const siblings = children.get(key);
    if (siblings === undefined) children.set(key, [span]);
    else siblings.push(span);
  }
  const lines: string[] = [];
  // An explicit stack, not recursion: a deep chain of sub-agents must not reach the stack's limit.
  const pending: { span: Span; depth: number }[] = byStart(children.get(undefined)).map((span) => ({ span, depth: 0 }));
  pending.reverse();
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { span, depth } = next;
    lines.push(`${'  '.repeat(depth)}${describe(span)}`);
    // Pushed last to first, so that the first to start is taken next.
    for (const child of byStart(children.get(span.spanContext().spanId)).reverse()) {
      pending.push({ span: child, depth: depth + 1 });
    }
  }
  return lines;
}

function byStart<Span extends SpanTreeNode>(spans: readonly Span[] | undefined): Span[] {
  return [...(spans ?? [])].sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
}
