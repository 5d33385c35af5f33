import { execFile } from 'node:child_process';
import { mkdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { RunResult } from '@tinyagent/core';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startWebChat } from './web-server.ts';
import type { WebChat } from './web-server.ts';

// The web chat in a real browser: Debian's chromium driven by playwright-core, against the demo's
// real server on 127.0.0.1, offline on the scripted model at its usual pace. Nothing here sleeps:
// every step waits for what the page shows, with a timeout.

const ENSURE_CHROMIUM = fileURLToPath(new URL('../../../../tools/scripts/ensure-chromium.sh', import.meta.url));
// The README's screenshot is rewritten only when asked (UPDATE_SCREENSHOTS=1): otherwise every run
// would leave the image changed in a checkout. The test takes it either way.
const SCREENSHOT =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? fileURLToPath(new URL('../../../../docs/images/web-chat.png', import.meta.url))
    : join(tmpdir(), `tinyagent-web-chat-${process.pid}.png`);
const WAIT = { timeout: 20_000 };

let browser: Browser | undefined;
let chat: WebChat | undefined;
let page: Page;
const ended: RunResult[] = [];

// On a machine without chromium the script installs it (as root, with apt: CI) or fails saying what
// to install; either way this test runs, and fails loudly rather than skip.
async function findChromium(): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)('bash', [ENSURE_CHROMIUM], { timeout: 590_000 });
    return stdout.trim().split('\n').at(-1) ?? '';
  } catch (error) {
    const said = (error as { stderr?: string }).stderr?.trim() ?? String(error);
    throw new Error(`The web chat's browser test has no Chromium to drive.\n${said}`, { cause: error });
  }
}

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: await findChromium() });
  chat = await startWebChat({ env: {}, onRunEnd: (result) => ended.push(result) });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await chat?.close();
});

afterEach(async () => {
  await page.close();
});

async function openChat(): Promise<Page> {
  page = await browser!.newPage({ viewport: { width: 900, height: 520 } });
  await page.goto(chat!.url);
  await page.locator('#model', { hasText: 'offline: scripted model' }).waitFor(WAIT);
  return page;
}

async function ask(question: string): Promise<void> {
  await page.fill('#question', question);
  await page.press('#question', 'Enter');
}

// The text of the reply streaming now, once it holds at least `length` characters; read in the
// page, in one go, while its element still says it is streaming.
async function streamingText(length: number): Promise<string> {
  const handle = await page.waitForFunction(
    ({ selector, atLeast }) => {
      const text = (globalThis as unknown as PageGlobals).document.querySelector(selector)?.textContent ?? '';
      return text.length >= atLeast ? text : false;
    },
    { selector: '.tool[data-state="done"] ~ .text[data-state="streaming"]', atLeast: length },
    WAIT,
  );
  return (await handle.jsonValue()) as string;
}

// What a function run in the page uses of it: the test's own types know nothing of the DOM.
interface PageGlobals {
  document: { querySelector(selector: string): { textContent: string | null } | null };
}

async function finalAnswer(): Promise<string> {
  return (await page.locator('.answer[data-state="done"]').textContent(WAIT)) ?? '';
}

describe('web chat in a browser', () => {
  it('streams the answer into the page as it arrives, then shows the whole answer', async () => {
    await openChat();
    await ask('What is the weather in Paris?');

    await page.locator('.tool-result', { hasText: '"celsius":18' }).waitFor(WAIT);
    const partial = await streamingText(12);
    await mkdir(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    expect((await stat(SCREENSHOT)).size).toBeGreaterThan(10_000);
    if (process.env.UPDATE_SCREENSHOTS !== '1') await rm(SCREENSHOT);
    const answer = await finalAnswer();

    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(answer.length);
    expect(answer.startsWith(partial)).toBe(true);
    expect(answer).toMatch(/^Right now it is 18 °C in Paris, partly cloudy/);
    expect(await page.locator('.text[data-state="preamble"]').textContent()).toBe('Let me check the weather in Paris.');
    expect(await page.locator('.status').textContent()).toBe('done in 2 steps');
  }, 60_000);

  it('sends the email once the user approves it, and says so', async () => {
    await openChat();
    await ask('Email ada@example.com the weather in Paris.');

    const approve = page.locator('.tool[data-state="waiting"] .approve');
    await approve.waitFor(WAIT);
    expect(await page.locator('.tool[data-state="waiting"] .tool-call').textContent()).toContain(
      '→ send_email({"to":"ada@example.com"',
    );
    await approve.click();
    const answer = await finalAnswer();

    expect(answer).toMatch(/^Sent: ada@example.com now has the forecast for Paris \(18 °C, partly cloudy\)/);
    expect(await page.locator('.decision').textContent()).toBe('✓ approved');
    expect(await page.locator('.tool-result').allTextContents()).toContainEqual(
      expect.stringContaining('"status":"sent"'),
    );
  }, 60_000);

  it('sends nothing when the user declines, and the reply gives the reason back', async () => {
    await openChat();
    await ask('Email ada@example.com the weather in Paris.');

    await page.locator('.tool[data-state="waiting"] .decline').waitFor(WAIT);
    await page.fill('.approval .reason', 'Ada asked for no more emails');
    await page.click('.approval .decline');
    const answer = await finalAnswer();

    expect(answer).toContain(
      'I did not send the email to ada@example.com: you declined it (Ada asked for no more emails)',
    );
    expect(await page.locator('.decision').textContent()).toBe('✗ declined: Ada asked for no more emails');
    expect((await page.locator('.tool-result').allTextContents()).join('\n')).not.toContain('"status":"sent"');
  }, 60_000);

  it("keeps an earlier turn's approval waiting while a newer question streams, then lets it through", async () => {
    await openChat();
    await ask('Email ada@example.com the weather in Paris.');
    const earlier = page.locator('.reply').first();
    const approve = earlier.locator('.tool[data-state="waiting"] .approve');
    await approve.waitFor(WAIT);
    await page.locator('#send:enabled').waitFor(WAIT);

    await ask('What is the weather in London?');
    await streamingText(1);
    // Resuming the earlier run now would stream it beside this one, and Stop would follow only one.
    expect(await approve.isDisabled()).toBe(true);
    expect(await earlier.locator('.decline').isDisabled()).toBe(true);
    await page.locator('.reply').nth(1).locator('.answer[data-state="done"]').waitFor(WAIT);

    await earlier.locator('.approve:enabled').click(WAIT);
    expect(await page.locator('#stop').isEnabled()).toBe(true);
    const answer = (await earlier.locator('.answer[data-state="done"]').textContent(WAIT)) ?? '';
    expect(answer).toMatch(/^Sent: ada@example.com now has the forecast for Paris/);
    await page.locator('#send:enabled').waitFor(WAIT);
  }, 60_000);

  it('stops a run mid-answer: the page says so and the server ends the run as aborted', async () => {
    await openChat();
    await ask('What is the weather in London?');

    // Stops at the first piece: the most time between the click and the answer's end.
    const partial = await streamingText(1);
    await page.click('#stop');
    await page.locator('.status[data-state="aborted"]').waitFor(WAIT);

    expect(await page.locator('.status').textContent()).toMatch(/^stopped after \d steps?$/);
    const stopped = (await page.locator('.text[data-state="stopped"]').textContent()) ?? '';
    expect(stopped.startsWith(partial)).toBe(true);
    expect(await page.locator('.answer').count()).toBe(0);
    const runId = await page.locator('.reply').getAttribute('data-run-id');
    expect(ended.find((result) => result.metadata.runId === runId)?.state).toBe('aborted');
    expect(await page.locator('#send').isEnabled()).toBe(true);
  }, 60_000);
});
