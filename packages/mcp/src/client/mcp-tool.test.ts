import { describe, expect, it } from 'vitest';
import { toolName } from './mcp-tool.ts';

describe('toolName', () => {
  it("keeps a name that follows core's rule", () => {
    expect(toolName('files', 'read_text_file', false)).toBe('read_text_file');
  });

  it('prefixes with the server name when asked', () => {
    expect(toolName('files', 'read_text_file', true)).toBe('files_read_text_file');
  });

  it('replaces what core refuses and cuts to 64 characters', () => {
    expect(toolName('s', 'git.status/short', false)).toBe('git_status_short');
    expect(toolName('s', 'é', false)).toBe('_');
    expect(toolName('server', 'n'.repeat(100), true)).toHaveLength(64);
  });
});
