import { registerSecret } from '@tinyagent/core';
import { captureLogs } from '@tinyagent/testing';
import { describe, expect, it } from 'vitest';
import { MAX_STDERR_LINE, StderrLog } from './stderr-lines.ts';

describe('StderrLog', () => {
  it('logs one message per line, whatever the chunks', () => {
    using logs = captureLogs();
    const log = new StderrLog('s');
    log.write('first li');
    log.write('ne\r\nsecond line\n\nthi');
    log.write('rd\n');
    expect(logs.lines.map((line) => line.message)).toEqual([
      "mcp server 's' stderr: first line",
      "mcp server 's' stderr: second line",
      "mcp server 's' stderr: third",
    ]);
    expect(log.lastLines()).toEqual(['first line', 'second line', 'third']);
  });

  it('cuts a line that never ends and drops the rest of it', () => {
    using logs = captureLogs();
    const log = new StderrLog('s');
    for (let index = 0; index < 100; index += 1) log.write('y'.repeat(1_000));
    log.write('\nnext\n');
    const messages = logs.lines.map((line) => line.message);
    expect(messages).toHaveLength(2);
    expect(messages[0]?.length).toBeLessThan(MAX_STDERR_LINE + 50);
    expect(messages[1]).toBe("mcp server 's' stderr: next");
  });

  it('redacts a key that straddles the cut before cutting, leaving no part of it', () => {
    const key = 'sk-straddle-0123456789abcdefghij';
    registerSecret(key);
    using logs = captureLogs();
    const log = new StderrLog('s');
    // The key begins 10 characters before the cut: its first part would be kept by a cut made first.
    log.write(`${'z'.repeat(MAX_STDERR_LINE - 10)}${key} and more\n`);
    const [message] = logs.lines.map((line) => line.message);
    expect(message).toContain('[line cut]');
    expect(message).not.toContain(key.slice(0, 10));
    expect(log.lastLines()[0]).not.toContain(key.slice(0, 10));
  });
});
