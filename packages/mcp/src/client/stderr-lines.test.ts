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
});
