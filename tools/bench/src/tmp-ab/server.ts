import { startFakeOpenAI } from '@tinyagent/testing';
const server = await startFakeOpenAI({ handler: () => 'ok', recordRequests: false });
process.stdout.write(server.url + '\n');
