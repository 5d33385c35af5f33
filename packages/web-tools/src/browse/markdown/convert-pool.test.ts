import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { ConversionPool } from './convert-pool.ts';
import { createMarkdownConverter } from './html-to-markdown.ts';

const keep = { keepImages: false, keepLinks: true };
const ARTICLE = `<html><head><title>Tide tables</title></head><body><nav>Home | About</nav>
<article><h1>Tide tables</h1><p>High water comes twice a day, about <a href="/why">50 minutes</a> later each day.</p>
<p>Spring tides follow the new and the full moon.</p></article></body></html>`;
// Megabytes of tiny elements: seconds of work for linkedom, Readability and turndown.
const SLOW_PAGE = `<html><body>${'<p>a</p>'.repeat(64 * 1024)}</body></html>`;

const pools: ConversionPool[] = [];
function createPool(options?: ConstructorParameters<typeof ConversionPool>[0]): ConversionPool {
  const pool = new ConversionPool(options);
  pools.push(pool);
  return pool;
}

afterEach(() => {
  for (const pool of pools.splice(0)) pool.close();
});

describe('ConversionPool', () => {
  it('converts on a worker thread exactly as the converter does in process', async () => {
    const page = await createPool().convert(ARTICLE, 'https://tides.example/', keep);

    expect(page).toEqual(createMarkdownConverter(keep)(ARTICLE, 'https://tides.example/'));
    expect(page.markdown).toContain('[50 minutes](https://tides.example/why)');
  });

  // The page is seconds of work by design (4 to 5 s on a busy two-core machine): vitest's 5 s default is too tight.
  it('leaves the event loop free while a slow page converts', async () => {
    let settled = false;
    const converting = createPool()
      .convert(SLOW_PAGE, 'https://slow.example/', keep)
      .finally(() => {
        settled = true;
      });

    // Fifty turns of the event loop take microseconds; converted on this thread, the page (seconds
    // of work) would have settled before the first of them ran.
    for (let turn = 0; turn < 50; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);

    expect((await converting).markdown.length).toBeGreaterThan(1000);
  }, 30_000);

  it('rejects with the abort reason at once and stops the thread doing the abandoned work', async () => {
    const pool = createPool({ maxThreads: 1 });
    const controller = new AbortController();
    const slow = pool.convert(SLOW_PAGE, 'https://slow.example/', keep, controller.signal);
    const reason = new Error('run aborted');
    setTimeout(() => controller.abort(reason), 50);

    await expect(slow).rejects.toBe(reason);
    // The single thread was stopped, not left busy: the next page gets a fresh one at once.
    await expect(pool.convert(ARTICLE, 'https://tides.example/', keep)).resolves.toMatchObject({
      title: 'Tide tables',
    });
  });

  it('drops a queued conversion when its signal aborts, and runs the others', async () => {
    const pool = createPool({ maxThreads: 1 });
    const controller = new AbortController();
    const first = pool.convert(ARTICLE, 'https://tides.example/', keep);
    const queued = pool.convert(ARTICLE, 'https://queued.example/', keep, controller.signal);
    controller.abort();

    await expect(queued).rejects.toMatchObject({ name: 'AbortError' });
    await expect(first).resolves.toMatchObject({ title: 'Tide tables' });
    await expect(pool.convert(ARTICLE, 'https://later.example/', keep, AbortSignal.abort())).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('fails the conversion of a thread that dies or throws, and starts a new thread for the next', async () => {
    const scripts = ['process.exit(3)', 'throw new Error("thread broke")'];
    const pool = createPool({ maxThreads: 1, spawn: () => new Worker(scripts.shift() ?? '', { eval: true }) });

    await expect(pool.convert(ARTICLE, 'https://a.example/', keep)).rejects.toThrow(
      'the converting thread stopped (it exited with code 3)',
    );
    await expect(pool.convert(ARTICLE, 'https://b.example/', keep)).rejects.toThrow(
      'the converting thread stopped (it failed: thread broke)',
    );
  });

  it("passes on the thread's own conversion error", async () => {
    const reply = `const { parentPort } = require('node:worker_threads');
      parentPort.on('message', (m) => parentPort.postMessage({ id: m.id, ok: false, message: 'Readability gave up' }));`;
    const pool = createPool({ spawn: () => new Worker(reply, { eval: true }) });

    await expect(pool.convert(ARTICLE, 'https://a.example/', keep)).rejects.toThrow('Readability gave up');
  });

  it('lets the process exit by itself once its conversions are done', async () => {
    const pool = fileURLToPath(new URL('./convert-pool.ts', import.meta.url));
    const script = `const { ConversionPool } = await import(${JSON.stringify(pool)});
      const page = await new ConversionPool().convert('<p>Bye.</p>', 'https://a.example/', { keepImages: false, keepLinks: false });
      console.log(page.markdown);`;

    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--conditions=@tinyagent/source', '--input-type=module', '--eval', script],
      { timeout: 20_000 },
    );

    expect(stdout.trim()).toBe('Bye.');
  });
});
