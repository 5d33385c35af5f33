// The consumer check: pack the packages as npm would publish them, install only those tarballs
// (third-party dependencies from the registry) into a fresh project, once with npm and once with
// pnpm, type-check a consumer script against them with tsc, and run it: it builds an agent with a
// core tool and web_browse and completes a run against a fake model server it starts itself. The
// pack and install commands are the README's own ("Installing"), and the check fails when the
// README no longer shows one of them word for word.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

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

// The README's commands, run by bash with TARBALLS set, as a reader would paste them.
const PACK = [
  'pnpm install && pnpm build',
  'for name in core react-agent web-tools code-agent; do (cd packages/$name && pnpm pack --pack-destination "$TARBALLS"); done',
];
const TARBALLS = ['core', 'react-agent', 'web-tools'].map((name) => `"$TARBALLS"/tinyagent-${name}-*.tgz`).join(' ');
const INSTALL = {
  npm: [`npm install ${TARBALLS}`],
  pnpm: [
    `npm pkg set "pnpm.overrides.@tinyagent/core=file:$(ls "$TARBALLS"/tinyagent-core-*.tgz)"`,
    `pnpm add ${TARBALLS}`,
  ],
};
// Only for this check: the compiler and Node's types, to type-check the consumer script.
const TOOLING = { npm: ['npm', 'install', '--no-save'], pnpm: ['pnpm', 'add', '--save-dev'] };

function sh(command: string, cwd: string, tarballs: string): void {
  console.log(`$ ${command}`);
  execFileSync('bash', ['-euo', 'pipefail', '-c', command], {
    cwd,
    stdio: 'inherit',
    env: { ...process.env, TARBALLS: tarballs },
  });
}

function run(command: string, args: string[], cwd: string): void {
  console.log(`$ ${command} ${args.join(' ')}`);
  execFileSync(command, args, { cwd, stdio: 'inherit' });
}

const readme = readFileSync(join(root, 'README.md'), 'utf8');
const missing = [...PACK, ...INSTALL.npm, ...INSTALL.pnpm].filter((command) => !readme.includes(command));
if (missing.length > 0) {
  console.error(`README.md no longer shows these commands of the consumer check:\n${missing.join('\n')}`);
  process.exit(1);
}

const tarballs = mkdtempSync(join(tmpdir(), 'tinyagent-tarballs-'));
try {
  for (const command of PACK) sh(command, root, tarballs);
  for (const manager of ['npm', 'pnpm'] as const) {
    const folder = mkdtempSync(join(tmpdir(), `tinyagent-consumer-${manager}-`));
    try {
      console.log(`\n== a fresh project installing the tarballs with ${manager}`);
      writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
      writeFileSync(join(folder, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
      writeFileSync(join(folder, 'consumer.ts'), CONSUMER);
      for (const command of INSTALL[manager]) sh(command, folder, tarballs);
      const [tool = manager, ...toolArgs] = TOOLING[manager];
      run(tool, [...toolArgs, 'typescript@~6.0.3', '@types/node@^24'], folder);
      run(process.execPath, [join(folder, 'node_modules/typescript/bin/tsc'), '-p', '.'], folder);
      run(process.execPath, ['consumer.ts'], folder);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }
} finally {
  rmSync(tarballs, { recursive: true, force: true });
}
