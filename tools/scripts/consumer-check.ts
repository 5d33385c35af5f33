// The consumer check: pack @tinyagent/core, react-agent and web-tools as npm would publish them,
// install only those tarballs (third-party dependencies from the registry) into a fresh project,
// type-check a consumer script against them with tsc, and run it: it builds an agent with a core
// tool and web_browse and completes a run against a fake model server it starts itself. This
// proves "install core plus the tools you choose" works from the published artifacts.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const PACKAGES = ['core', 'react-agent', 'web-tools'];

const CONSUMER = `import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tool, z, type RunResult } from '@tinyagent/core';
import { ReactAgent } from '@tinyagent/react-agent';
import { createWebBrowse } from '@tinyagent/web-tools';

// A page to browse and a fake chat-completions endpoint, both on loopback.
let calls = 0;
const server = createServer((request, response) => {
  if (request.url === '/page') {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end('<html><body><article><h1>Consumer page</h1><p>The secret number is 41 and it is shown here.</p></article></body></html>');
    return;
  }
  calls += 1;
  const reply = (message: object) => ({
    id: 'c' + calls, object: 'chat.completion', created: 0, model: 'fake',
    choices: [{ index: 0, message: { role: 'assistant', content: null, ...message }, finish_reason: 'stop' }],
  });
  const base = 'http://127.0.0.1:' + (server.address() as AddressInfo).port;
  const toolCall = (name: string, args: object) => ({
    tool_calls: [{ id: 'call_' + calls, type: 'function', function: { name, arguments: JSON.stringify(args) } }],
  });
  const body = calls === 1 ? toolCall('web_browse', { url: base + '/page' })
    : calls === 2 ? toolCall('add', { a: 41, b: 1 })
    : { content: 'The answer is 42.' };
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify(reply(body)));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as AddressInfo).port;

const add = tool({
  name: 'add',
  description: 'Add two numbers.',
  parameters: z.object({ a: z.number(), b: z.number() }),
  execute: ({ a, b }) => a + b,
});
const agent = new ReactAgent({
  tools: [add, createWebBrowse({ allowPrivateNetwork: true })],
  toolCalling: 'native',
  baseURL: 'http://127.0.0.1:' + port + '/v1',
  model: 'fake',
});
const result: RunResult = await agent.run('Read the page and add one to its number.', { returnResult: true });
server.close();
const observations = result.messages.filter((message) => message.role === 'tool').map((message) => message.content);
if (result.output !== 'The answer is 42.' || !observations[0]?.includes('secret number is 41') || observations[1] !== '42') {
  console.error('consumer check failed:', JSON.stringify({ output: result.output, observations, state: result.state }));
  process.exit(1);
}
console.log('consumer check: ' + result.state + ' in ' + result.stepsTaken + ' steps: ' + result.output);
`;

const TSCONFIG = {
  compilerOptions: {
    module: 'nodenext',
    moduleResolution: 'nodenext',
    target: 'es2023',
    strict: true,
    noEmit: true,
    types: ['node'],
    verbatimModuleSyntax: true,
    allowImportingTsExtensions: true,
    // The packages' own declaration files are checked too, as a consumer's build would.
    skipLibCheck: false,
  },
  include: ['consumer.ts'],
};

function run(command: string, args: string[], cwd: string): void {
  console.log(`$ ${command} ${args.join(' ')}`);
  execFileSync(command, args, { cwd, stdio: 'inherit' });
}

const folder = mkdtempSync(join(tmpdir(), 'tinyagent-consumer-'));
try {
  run('pnpm', ['nx', 'run-many', '-t', 'build', '-p', ...PACKAGES], root);
  for (const name of PACKAGES) run('pnpm', ['pack', '--pack-destination', folder], join(root, 'packages', name));
  const tarballs = readdirSync(folder).filter((file) => file.endsWith('.tgz'));
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  writeFileSync(join(folder, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
  writeFileSync(join(folder, 'consumer.ts'), CONSUMER);
  run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      ...tarballs.map((file) => `./${file}`),
      'typescript@~6.0.3',
      '@types/node@^24',
    ],
    folder,
  );
  run('npx', ['tsc', '-p', '.'], folder);
  run(process.execPath, ['consumer.ts'], folder);
} finally {
  rmSync(folder, { recursive: true, force: true });
}
