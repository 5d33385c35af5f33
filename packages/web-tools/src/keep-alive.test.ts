import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { send, startTestServer } from './test-server.ts';
import type { TestServer } from './test-server.ts';

let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
});

/** Runs a module in a fresh Node process (this one's binary, the source condition) and collects its outcome. */
function runNode(source: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@tinyagent/source', '--input-type=module', '--eval', source], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the keep-alive agent', () => {
  it('does not keep a process alive once its calls are done, even while the server holds the connection open', async () => {
    // The server would keep the idle connection for ten minutes: only an unreferenced socket lets
    // the child exit on its own, which is what the test waits for.
    server = await startTestServer((_request, response) => send(response, 'text/plain', 'still here'), {
      keepAliveTimeoutMs: 600_000,
    });
    const entry = fileURLToPath(new URL('./index.ts', import.meta.url));
    const outcome = await runNode(`
      import { createWebBrowse } from ${JSON.stringify(entry)};
      const tool = createWebBrowse({ allowPrivateNetwork: true });
      console.log(await tool.run({ url: ${JSON.stringify(`${server.url}/first`)} }));
      console.log(await tool.run({ url: ${JSON.stringify(`${server.url}/second`)} }));
    `);
    expect(outcome.stderr).toBe('');
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toContain('still here');
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.remotePort).toBe(server.requests[0]?.remotePort);
  });
});
