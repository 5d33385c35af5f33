// A BufferedResponse must read exactly like a Response over the same bytes, so each case runs on
// both and the outcomes are compared.
import { describe, expect, it } from 'vitest';
import { BufferedResponse } from './buffered-response.ts';

const URL_TEXT = 'http://127.0.0.1:1/v1/chat/completions';
const init = (): ResponseInit => ({ status: 200, statusText: 'OK', headers: [['content-type', 'application/json']] });

function pair(bytes: Uint8Array): [Response, Response] {
  return [new BufferedResponse(init(), URL_TEXT).setBody(bytes), new Response(bytes.slice(), init())];
}

async function settled<T>(work: () => Promise<T>): Promise<unknown> {
  try {
    return { value: await work() };
  } catch (error) {
    return { error: error instanceof Error ? error.name : String(error) };
  }
}

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
const BOM_AND_BAD_UTF8 = Uint8Array.from([0xef, 0xbb, 0xbf, 0x68, 0x69, 0xff, 0x21]);

describe('BufferedResponse reads like a Response over the same bytes', () => {
  it.each([
    ['text', encode('{"a":1}'), (response: Response) => response.text()],
    ['text of a BOM and invalid UTF-8', BOM_AND_BAD_UTF8, (response: Response) => response.text()],
    ['json', encode('{"a":[1,2]}'), (response: Response) => response.json()],
    ['json of text that is not JSON', encode('{"a":'), (response: Response) => response.json()],
    ['arrayBuffer', encode('bytes'), async (response: Response) => [...new Uint8Array(await response.arrayBuffer())]],
    ['bytes', encode('bytes'), async (response: Response) => [...(await response.bytes())]],
    ['blob', encode('blob'), async (response: Response) => (await response.blob()).text()],
    ['the body stream', encode('stream'), (response: Response) => new Response(response.body).text()],
    ['an empty body', new Uint8Array(0), (response: Response) => response.text()],
  ] as const)('%s', async (_name, bytes, read) => {
    const [buffered, plain] = pair(bytes);

    expect(await settled(() => read(buffered))).toEqual(await settled(() => read(plain)));
    expect(buffered.bodyUsed).toBe(plain.bodyUsed);
  });

  it('refuses a second read, as Response does', async () => {
    for (const response of pair(encode('once'))) {
      await response.text();

      await expect(response.text()).rejects.toThrow(TypeError);
      await expect(response.json()).rejects.toThrow(TypeError);
      expect(response.bodyUsed).toBe(true);
      expect(() => response.clone()).toThrow(TypeError);
    }
  });

  it('reports a body read through the fast path as used when the stream is asked for later', async () => {
    const states = [];
    for (const response of pair(encode('later'))) {
      await response.text();
      states.push([response.bodyUsed, response.body?.locked]);
    }

    expect(states[0]).toEqual(states[1]);
    expect(states[0]).toEqual([true, true]);
  });

  it('clones into an independent response with the same url, before and after the body is touched', async () => {
    const [fresh] = pair(encode('copy'));
    const copy = fresh.clone();
    expect(await copy.text()).toBe('copy');
    expect(await fresh.text()).toBe('copy');
    expect(copy.url).toBe(URL_TEXT);

    const [streamed] = pair(encode('copy'));
    expect(streamed.body).not.toBeNull();
    const second = streamed.clone();
    expect(await second.text()).toBe('copy');
    expect(await streamed.text()).toBe('copy');
    expect(second.url).toBe(URL_TEXT);
  });

  it('keeps the status line, headers and url', () => {
    const [buffered] = pair(encode('{}'));

    expect(buffered).toBeInstanceOf(Response);
    expect([buffered.status, buffered.statusText, buffered.ok, buffered.url]).toEqual([200, 'OK', true, URL_TEXT]);
    expect(buffered.headers.get('content-type')).toBe('application/json');
  });
});
