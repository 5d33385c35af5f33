import { describe, expect, it } from 'vitest';
import { scanApprovalCalls } from './approval-scan.ts';

const gated = new Set(['send_email', 'pay']);

describe('scanApprovalCalls', () => {
  it('finds direct calls anywhere in the code, in source order', () => {
    const code = [
      'function later() { return pay({ amount: 1 }) }',
      "for (const to of ['a', 'b']) { if (to) send_email({ to, body: lookup({ name: to }) }) }",
      'const x = () => [1].map(() => pay({ amount: 2 }));',
    ].join('\n');

    expect(scanApprovalCalls(code, false, gated).calls).toEqual([
      { toolName: 'pay', source: 'pay({ amount: 1 })' },
      { toolName: 'send_email', source: 'send_email({ to, body: lookup({ name: to }) })' },
      { toolName: 'pay', source: 'pay({ amount: 2 })' },
    ]);
  });

  it('reads TypeScript, and ignores tools that need no approval and members of the same name', () => {
    const code = "const n: number = 2;\nlookup({ name: 'a' }); api.pay({ amount: n }); pay({ amount: n } as const);";

    expect(scanApprovalCalls(code, true, gated).calls).toEqual([
      { toolName: 'pay', source: 'pay({ amount: n } as const)' },
    ]);
  });

  it('finds nothing in code that does not parse, which cannot run', () => {
    expect(scanApprovalCalls('pay({ amount: ', false, gated).calls).toEqual([]);
  });

  it('cuts a very long call to what a person can read, and survives deeply nested code', () => {
    const long = `pay({ note: '${'x'.repeat(2_000)}' })`;
    const nested = (depth: number) => `${'['.repeat(depth)}pay({})${']'.repeat(depth)}`;

    expect(scanApprovalCalls(long, false, gated).calls[0]?.source).toHaveLength(501);
    expect(scanApprovalCalls(nested(500), false, gated).calls).toEqual([{ toolName: 'pay', source: 'pay({})' }]);
    // Too deep for the parser: nothing found, and the call would be refused when made.
    expect(scanApprovalCalls(nested(100_000), false, gated).calls).toEqual([]);
  });

  it('survives an array literal too long to spread into one call', () => {
    const code = `const ones = [${'1,'.repeat(300_000)}];\npay({});`;

    expect(scanApprovalCalls(code, false, gated).calls).toEqual([{ toolName: 'pay', source: 'pay({})' }]);
  });
});
