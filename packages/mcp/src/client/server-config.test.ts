import { ConfigurationError, redactSecrets } from '@tinyagent/core';
import { describe, expect, it } from 'vitest';
import { connectMcp } from './connect-mcp.ts';
import type { McpServerConfig } from './server-config.ts';
import { checkServers } from './server-config.ts';

describe('checkServers', () => {
  it.each<[string, unknown[], RegExp]>([
    ['an empty list', [], /non-empty list of servers/],
    ['a name with a space', [{ name: 'my server', command: 'x' }], /name "my server" is invalid/],
    ['both command and url', [{ name: 's', command: 'x', url: 'http://127.0.0.1/' }], /not both/],
    ['neither command nor url', [{ name: 's' }], /not neither/],
    ['a url that is not http', [{ name: 's', url: 'file:///x' }], /must be http: or https:/],
    [
      'two servers of one name',
      [
        { name: 's', command: 'x' },
        { name: 's', command: 'y' },
      ],
      /Two MCP servers are named 's'/,
    ],
    ['a misspelt field of a stdio server', [{ name: 's', command: 'x', arg: ['-v'] }], /unknown option 'arg'/],
    [
      'a stdio field on an HTTP server',
      [{ name: 's', url: 'http://127.0.0.1/', env: { TOKEN: 'abc' } }],
      /MCP server 's': unknown option 'env'.*Accepted options: headers, name, prefix, url/,
    ],
    [
      'headers misspelt, which would send no credentials',
      [{ name: 's', url: 'http://127.0.0.1/', header: { Authorization: 'Bearer abc' } }],
      /unknown option 'header'. Did you mean 'headers'\?/,
    ],
    ['args given as one string', [{ name: 's', command: 'x', args: '--verbose' }], /args must be an array of strings/],
    [
      'an env value that is no string',
      [{ name: 's', command: 'x', env: { PORT: 8080 } }],
      /env\.PORT must be a string/,
    ],
  ])('refuses %s with a ConfigurationError', (_case, servers, message) => {
    expect(() => checkServers(servers as McpServerConfig[])).toThrow(message);
    expect(() => checkServers(servers as McpServerConfig[])).toThrow(ConfigurationError);
  });

  it('registers env values and header credentials whose names say they are secret, and nothing else', () => {
    checkServers([
      { name: 'a', command: 'x', env: { SERVICE_API_KEY: 'env-key-value-123', DATA_DIR: '/srv/plain-data' } },
      { name: 'b', url: 'http://127.0.0.1/', headers: { Authorization: 'Bearer header-token-456' } },
    ]);
    expect(redactSecrets('env-key-value-123 header-token-456 /srv/plain-data')).toBe(
      '[redacted] [redacted] /srv/plain-data',
    );
  });

  it('refuses a misspelt option of connectMcp before starting anything', async () => {
    const failure = connectMcp([{ name: 's', command: 'x' }], { timeout: 5 } as never);
    await expect(failure).rejects.toSatisfy((error) => ConfigurationError.isInstance(error));
    await expect(failure).rejects.toThrow(/timeout/);
  });

  it('refuses a page or tool bound that is no whole number before starting anything', async () => {
    const failure = connectMcp([{ name: 's', command: 'x' }], { maxPages: 2.5 });
    await expect(failure).rejects.toSatisfy((error) => ConfigurationError.isInstance(error));
    await expect(failure).rejects.toThrow('connectMcp: maxPages must be a positive whole number, not 2.5.');
  });

  it('refuses a deadline past what a timer can hold, which would end every call at once', async () => {
    for (const options of [{ timeoutMs: 3_000_000_000 }, { connectTimeoutMs: 2 ** 31 }]) {
      const failure = connectMcp([{ name: 's', command: 'x' }], options);
      await expect(failure).rejects.toSatisfy((error) => ConfigurationError.isInstance(error));
      await expect(failure).rejects.toThrow(/must be .* at most 2147483647/);
    }
  });
});
