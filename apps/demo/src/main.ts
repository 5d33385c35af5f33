// The demo CLI's entry: `pnpm nx run demo:start -- [demo] [--verbose] [--json] [--debug]`.
import { runCli } from './cli.ts';

const controller = new AbortController();
process.once('SIGINT', () => controller.abort(new Error('interrupted (Ctrl-C)')));

process.exitCode = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
});
