import { registerSecret } from '@tinyagent/core';
import { getLogger } from '@tinyagent/core/internal';
import { describe, expect, it } from 'vitest';
import { captureLogs } from './capture-logs.ts';

describe('captureLogs', () => {
  it('collects what TinyAgent logs, redacted, until restored', () => {
    registerSecret('sk-capture-secret-1');
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = (chunk: string) => stderr.push(chunk) > 0;
    try {
      {
        using logs = captureLogs();
        getLogger().warn('The prompt has no {tools} placeholder.');
        getLogger().error('Key sk-capture-secret-1 was refused.');

        expect(logs.warnings).toEqual(['The prompt has no {tools} placeholder.']);
        expect(logs.lines).toEqual([
          { level: 'warn', message: 'The prompt has no {tools} placeholder.' },
          { level: 'error', message: 'Key [redacted] was refused.' },
        ]);
        logs.clear();
        expect(logs.lines).toEqual([]);
        expect(stderr).toEqual([]);
      }
      getLogger().warn('After the capture.');
    } finally {
      process.stderr.write = write;
    }

    expect(stderr).toEqual(['[tinyagent] warn: After the capture.\n']);
  });
});
