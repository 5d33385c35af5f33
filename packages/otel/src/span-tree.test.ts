import type { SpanContext } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { formatSpanTree } from './span-tree.ts';

const context = (spanId: string): SpanContext => ({ traceId: 'a'.repeat(32), spanId, traceFlags: 1 });
const span = (name: string, id: string, parent: string | undefined, started: number) => ({
  name,
  spanContext: () => context(id),
  parentSpanContext: parent === undefined ? undefined : context(parent),
  startTime: [started, 0] as [number, number],
});

describe('formatSpanTree', () => {
  it('puts children under their parent in the order they started, and spans of an absent parent at the top', () => {
    const spans = [
      span('execute_tool add', 't2', 'r', 5),
      span('chat m', 'c1', 'r', 1),
      span('execute_tool add', 't1', 'r', 3),
      span('invoke_agent A', 'r', undefined, 0),
      span('orphan', 'o', 'gone', 9),
      span('chat m (sub)', 's', 't1', 4),
    ];
    expect(formatSpanTree(spans)).toEqual([
      'invoke_agent A',
      '  chat m',
      '  execute_tool add',
      '    chat m (sub)',
      '  execute_tool add',
      'orphan',
    ]);
    expect(formatSpanTree(spans.slice(3, 4), (one) => `<${one.name}>`)).toEqual(['<invoke_agent A>']);
  });
});
