import OpenAI, { NotFoundError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStreamServer } from './stream-server.ts';
import type { StreamServer } from './stream-server.ts';
import { streamModelName, streamTask, streamText } from './stream-script.ts';

// The real openai SDK against the server: what it streams must parse as OpenAI's own streams do.
let server: StreamServer;
let client: OpenAI;

beforeAll(async () => {
  server = await startStreamServer();
  client = new OpenAI({ apiKey: 'bench', baseURL: server.url, maxRetries: 0 });
});

afterAll(() => server.close());

const shape = { deltas: 3000, deltaChars: 8 };
const request = { model: streamModelName(shape), messages: [{ role: 'user' as const, content: streamTask(7) }] };

describe('startStreamServer', () => {
  it('streams the reply the request names, one content delta per piece, with usage on request', async () => {
    const stream = await client.chat.completions.create({
      ...request,
      stream: true,
      stream_options: { include_usage: true },
    });
    const pieces: string[] = [];
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      const piece = chunk.choices[0]?.delta.content;
      if (piece !== undefined && piece !== null && piece !== '') pieces.push(piece);
      usage ??= chunk.usage;
    }

    expect(pieces).toHaveLength(shape.deltas);
    expect(pieces.join('')).toBe(streamText({ ...shape, seed: 7 }));
    expect(usage?.completion_tokens).toBe(shape.deltas);
  });

  it('answers a request without a stream with the whole text', async () => {
    const completion = await client.chat.completions.create(request);

    expect(completion.choices[0]?.message.content).toBe(streamText({ ...shape, seed: 7 }));
  });

  it('refuses a model that names no streamed reply', async () => {
    await expect(client.chat.completions.create({ ...request, model: 'gpt-4o' })).rejects.toBeInstanceOf(NotFoundError);
  });
});
