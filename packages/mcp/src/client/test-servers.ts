// Test helpers: how the tests start real MCP servers (the reference servers installed as dev
// dependencies, run with this node on their entry file, never npx). Not part of the build.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/server';
import { toWebRequest, writeWebResponse } from '../serve/node-fetch-bridge.ts';
import { createFixtureServer } from './fixtures/fixture-server.ts';
import type { McpStdioServerConfig } from './server-config.ts';

const require = createRequire(import.meta.url);

/** The entry file of an installed server package, from its package.json `bin`. */
export function serverEntry(packageName: string): string {
  const manifestPath = require.resolve(`${packageName}/package.json`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin: Record<string, string> | string };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : Object.values(manifest.bin)[0];
  if (bin === undefined) throw new Error(`${packageName} has no bin entry`);
  return join(dirname(manifestPath), bin);
}

/** server-everything over stdio. */
export function everythingServer(name = 'everything'): McpStdioServerConfig {
  return { name, command: process.execPath, args: [serverEntry('@modelcontextprotocol/server-everything'), 'stdio'] };
}

/** server-filesystem, allowed to read and write `folder` only. */
export function filesystemServer(folder: string, name = 'files'): McpStdioServerConfig {
  return { name, command: process.execPath, args: [serverEntry('@modelcontextprotocol/server-filesystem'), folder] };
}

/** server-memory, keeping its graph in `file`. */
export function memoryServer(file: string, name = 'memory'): McpStdioServerConfig {
  return {
    name,
    command: process.execPath,
    args: [serverEntry('@modelcontextprotocol/server-memory')],
    env: { MEMORY_FILE_PATH: file },
  };
}

/** The tools the fixture server (fixtures/fixture-server.ts) lists, in its order, before any is added. */
export const FIXTURE_TOOL_NAMES: readonly string[] = [
  'wait',
  'pid',
  'add_tool',
  'fail',
  'page_filler',
  'protocol_error',
];

/** A fixture server of ours (src/client/fixtures), run by node with its types stripped. */
export function fixtureServer(file: string, name: string, env: Record<string, string> = {}): McpStdioServerConfig {
  return { name, command: process.execPath, args: [join(import.meta.dirname, 'fixtures', file)], env };
}

/** A fixture server over Streamable HTTP on 127.0.0.1, optionally demanding a bearer token. */
export interface HttpFixture extends AsyncDisposable {
  readonly url: string;
  /** The Authorization headers of the requests received, in order. */
  readonly authorizations: (string | undefined)[];
  /** What the fixture server logged (`wait started`, …), in order. */
  readonly lines: string[];
  close(): Promise<void>;
}

/**
 * Starts the fixture server behind node's http server on 127.0.0.1, on `port` (default: an ephemeral
 * one; a test that restarts a server gives the port it had).
 */
export async function startHttpFixture(token?: string, port = 0): Promise<HttpFixture> {
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID() });
  const lines: string[] = [];
  const server = createFixtureServer((line) => lines.push(line));
  await server.connect(transport);
  const authorizations: (string | undefined)[] = [];
  const http = createServer((incoming, outgoing) => {
    authorizations.push(incoming.headers.authorization);
    if (token !== undefined && incoming.headers.authorization !== `Bearer ${token}`) {
      outgoing.writeHead(401).end();
      return;
    }
    // The same node:http bridge serveMcp uses: the transport's SSE answers stream through it.
    const request = toWebRequest(incoming, outgoing, 'http://127.0.0.1');
    transport
      .handleRequest(request)
      .then((answer) => writeWebResponse(answer, outgoing))
      .catch(() => outgoing.destroy());
  });
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  const address = http.address() as AddressInfo;
  const close = async (): Promise<void> => {
    await transport.close();
    await server.close();
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  };
  return { url: `http://127.0.0.1:${address.port}/mcp`, authorizations, lines, close, [Symbol.asyncDispose]: close };
}
