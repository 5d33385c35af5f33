// The stdio server of the serve tests: `node --conditions=@tinyagent/source stdio-test-server.ts`.
// It reports the slow tool's start and abort on stderr, the one channel besides the protocol.
import { serveMcp } from './serve-mcp.ts';
import { createTestTools } from './test-tools.ts';

const tools = createTestTools({
  started: () => process.stderr.write('slow: started\n'),
  aborted: () => process.stderr.write('slow: aborted\n'),
});
await serveMcp(tools, { transport: 'stdio', name: 'stdio-test', version: '0.1.0' });
