import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { createIsolatedWorker, siblingScriptUrl, WorkerThread } from './worker-thread.ts';
import type { WorkerThreadEnd } from './worker-thread.ts';

// Each thread is a real worker running a script given as text (eval), CommonJS in the thread.
const ECHO = `const { parentPort } = require('node:worker_threads');
  parentPort.postMessage('ready');
  parentPort.on('message', (message) => parentPort.postMessage('echo ' + message));`;

interface Started {
  thread: WorkerThread<string, string>;
  worker: Worker;
  messages: string[];
  ends: Error[];
}

const workers: Worker[] = [];

afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.terminate()));
});

// events.once would reject on the thread's 'error' event, which these tests expect.
function exitOf(worker: Worker): Promise<number> {
  return new Promise((resolve) => worker.once('exit', resolve));
}

function describeEnd(end: WorkerThreadEnd): Error {
  if (end.kind === 'error') return new Error(`it threw: ${end.error.message}`, { cause: end.error });
  if (end.kind === 'exit') return new Error(`it exited with code ${end.code}`);
  return new Error(end.reason);
}

function start(script: string, readyMessage: string | null = 'ready'): Started {
  const worker = new Worker(script, { eval: true });
  workers.push(worker);
  const messages: string[] = [];
  const ends: Error[] = [];
  const thread = new WorkerThread<string, string>({
    worker,
    toError: describeEnd,
    onMessage: (message) => messages.push(message),
    onEnd: (error) => ends.push(error),
    ...(readyMessage === null ? {} : { isReady: (message: string) => message === readyMessage }),
  });
  return { thread, worker, messages, ends };
}

describe('WorkerThread', () => {
  it('resolves ready on the ready message and passes on every other message', async () => {
    const { thread, worker, messages } = start(ECHO);
    await thread.ready();

    thread.post('tide');
    const [reply] = (await once(worker, 'message')) as [string];

    expect(reply).toBe('echo tide');
    expect(messages).toEqual(['echo tide']);
  });

  it('is ready once the thread runs when no ready message is named', async () => {
    const { thread, messages } = start('setInterval(() => {}, 1000);', null);

    await expect(thread.ready()).resolves.toBeUndefined();
    expect(messages).toEqual([]);
  });

  it('reports a thread that throws once, as the error its owner makes, and rejects ready with it', async () => {
    const { thread, worker, ends } = start('throw new Error("thread broke")');
    await exitOf(worker);

    expect(ends).toHaveLength(1);
    expect(ends[0]?.message).toBe('it threw: thread broke');
    expect(thread.error).toBe(ends[0]);
    await expect(thread.ready()).rejects.toBe(ends[0]);
  });

  it('reports a thread that exits by itself with its exit code', async () => {
    const { thread, worker, ends } = start('process.exit(3)');
    await exitOf(worker);

    expect(ends.map((error) => error.message)).toEqual(['it exited with code 3']);
    await expect(thread.ready()).rejects.toThrow('it exited with code 3');
  });

  it('never leaves a ready promise that nobody awaits to reject unhandled', async () => {
    // vitest fails the run on an unhandled rejection; nobody here ever asks for ready().
    const { worker, ends } = start('process.exit(1)');
    await exitOf(worker);

    expect(ends).toHaveLength(1);
  });

  it('terminates a thread stuck in a loop, reports the end before returning, and only once', async () => {
    const { thread, worker, ends } = start(`${ECHO}\nparentPort.on('message', () => { for (;;) {} });`);
    await thread.ready();
    thread.post('spin');
    const exited = exitOf(worker);

    thread.terminate('it ran past its deadline');
    expect(ends.map((error) => error.message)).toEqual(['it ran past its deadline']);
    await exited;

    expect(ends).toHaveLength(1);
    expect(thread.error?.message).toBe('it ran past its deadline');
  });

  it('drops the messages a thread sends after it ended', async () => {
    const { thread, worker, messages } = start(ECHO);
    await thread.ready();
    thread.post('late');
    thread.terminate('stopped by the test');
    thread.post('after the end');
    await exitOf(worker);

    expect(messages).toEqual([]);
  });
});

describe('an idle WorkerThread', () => {
  const source = fileURLToPath(new URL('./worker-thread.ts', import.meta.url));
  const run = async (body: string): Promise<string> => {
    const script = `const { WorkerThread } = await import(${JSON.stringify(source)});
      const { Worker } = await import('node:worker_threads');
      ${body}`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '--eval', script], {
      timeout: 20_000,
    });
    return stdout.trim();
  };
  const options = `toError: (end) => new Error(end.kind), onEnd: () => {}`;

  it('lets the process exit by itself, even when the thread would run forever', async () => {
    const stdout = await run(`new WorkerThread({ worker: new Worker('setInterval(() => {}, 1000)', { eval: true }),
        onMessage: () => {}, ${options} });
      console.log('left running');`);

    expect(stdout).toBe('left running');
  });

  it('keeps the process alive while held, until the reply is in and released', async () => {
    // Nothing but the held thread keeps this process alive: unheld, it would exit before the reply.
    const stdout = await run(`const worker = new Worker(
        "require('node:worker_threads').parentPort.on('message', (m) => setTimeout(() => require('node:worker_threads').parentPort.postMessage(m + ' back'), 100))",
        { eval: true, execArgv: [] });
      const thread = new WorkerThread({ worker, ${options},
        onMessage: (message) => { console.log(message); thread.release(); } });
      thread.hold();
      thread.post('ping');`);

    expect(stdout).toBe('ping back');
  });
});

describe('createIsolatedWorker', () => {
  it('starts a thread that sees neither the environment nor the Node flags of the process', async () => {
    process.env.TINYAGENT_WORKER_TEST = 'visible';
    const script = new URL('data:text/javascript,' + encodeURIComponent(SNAPSHOT));
    const worker = createIsolatedWorker(script, { name: 'isolation-test' });
    workers.push(worker);
    const [seen] = (await once(worker, 'message')) as [{ variable: unknown; execArgv: string[]; name: string }];
    delete process.env.TINYAGENT_WORKER_TEST;

    expect(seen).toEqual({ variable: undefined, execArgv: [], name: 'isolation-test' });
  });
});

const SNAPSHOT = `import { parentPort, threadName } from 'node:worker_threads';
  parentPort.postMessage({ variable: process.env.TINYAGENT_WORKER_TEST, execArgv: process.execArgv, name: threadName });`;

describe('siblingScriptUrl', () => {
  it('names the .ts script from the sources and the .js script from a build', () => {
    expect(siblingScriptUrl('file:///pkg/src/pool.ts', 'pool-worker').href).toBe('file:///pkg/src/pool-worker.ts');
    expect(siblingScriptUrl('file:///pkg/dist/pool.js', 'pool-worker').href).toBe('file:///pkg/dist/pool-worker.js');
  });
});
