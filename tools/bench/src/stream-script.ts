// The streamed reply of the streaming measurements, both sides of it: the model name a contestant
// sends to ask for a reply of N text deltas, the text it must assemble from them, and the
// server-sent events the fake model writes, exactly as OpenAI's chat completions stream them.

/** A streamed reply: `deltas` pieces of text of `deltaChars` characters each; `seed` varies the text per run. */
export interface StreamPlan {
  deltas: number;
  deltaChars: number;
  seed: number;
}

/** The shape of a reply, named by the model a contestant asks for (a contestant is built for one model). */
export type StreamShape = Omit<StreamPlan, 'seed'>;

const MODEL_PATTERN = /^bench-stream-(\d+)x(\d+)$/;
const TASK_PATTERN = /^Stream reply (\d+)\.$/;

/** The model name that asks the fake model for replies of `shape`. */
export function streamModelName(shape: StreamShape): string {
  return `bench-stream-${shape.deltas}x${shape.deltaChars}`;
}

/** The task of run `seed`: the seed picks the reply's text, so every run's text differs. */
export function streamTask(seed: number): string {
  return `Stream reply ${seed}.`;
}

/**
 * The plan a request asks for, from its model name and its last user message (text or text parts),
 * or undefined for a request that is not a streaming one.
 */
export function parseStreamRequest(model: string, lastUserText: string): StreamPlan | undefined {
  const shape = MODEL_PATTERN.exec(model);
  const task = TASK_PATTERN.exec(lastUserText.trim());
  if (shape === null || task === null) return undefined;
  const [deltas, deltaChars, seed] = [shape[1], shape[2], task[1]].map(Number) as [number, number, number];
  // A bound on what one request can make the server build: 64 MiB of text.
  if (deltas < 1 || deltaChars < 2 || deltas * deltaChars > 2 ** 26) return undefined;
  return { deltas, deltaChars, seed };
}

/**
 * The `index`-th piece of the reply: digits and a comma. Digits only, so that no piece can begin a
 * secret (TinyAgent holds back a tail that could begin one, such as the API key `bench`, and would
 * then join pieces), and the whole has no white space to trim.
 */
export function streamPiece(plan: StreamPlan, index: number): string {
  const digits = plan.deltaChars - 1;
  const value = (plan.seed * 100_003 + index) % 10 ** Math.min(digits, 15);
  return `${value.toString().padStart(digits, '0')},`;
}

/** The whole text of the reply: what a contestant must assemble from the deltas. */
export function streamText(plan: StreamPlan): string {
  return Array.from({ length: plan.deltas }, (_, index) => streamPiece(plan, index)).join('');
}

const CREATED = 1_700_000_000;

/**
 * The reply as server-sent events, in order: a role chunk, one chunk per piece, the finish chunk,
 * the usage chunk when the request asked for it (`stream_options.include_usage`), then `[DONE]`.
 * Built lazily, one event at a time, so that a reply of megabytes is never held whole.
 */
export function* streamEvents(plan: StreamPlan, model: string, includeUsage: boolean): Generator<string> {
  const id = `chatcmpl-bench-${plan.seed}`;
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null): string =>
    event({
      id,
      object: 'chat.completion.chunk',
      created: CREATED,
      model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    });
  yield chunk({ role: 'assistant', content: '' });
  for (let index = 0; index < plan.deltas; index += 1) yield chunk({ content: streamPiece(plan, index) });
  yield chunk({}, 'stop');
  if (includeUsage) {
    const usage = { prompt_tokens: 50, completion_tokens: plan.deltas, total_tokens: 50 + plan.deltas };
    yield event({ id, object: 'chat.completion.chunk', created: CREATED, model, choices: [], usage });
  }
  yield 'data: [DONE]\n\n';
}

/** The same reply as one JSON completion, for a request that did not ask for a stream. */
export function streamCompletion(plan: StreamPlan, model: string): Record<string, unknown> {
  return {
    id: `chatcmpl-bench-${plan.seed}`,
    object: 'chat.completion',
    created: CREATED,
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: streamText(plan), refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: { prompt_tokens: 50, completion_tokens: plan.deltas, total_tokens: 50 + plan.deltas },
  };
}

/**
 * What is wrong with a streamed run, or undefined: the text assembled from the deltas and the
 * framework's final answer must both be the reply's text.
 */
export function streamProblem(outcome: { text: string; answer: string }, expected: string): string | undefined {
  if (outcome.text !== expected) return `assembled text ${describeDifference(outcome.text, expected)}`;
  if (outcome.answer !== expected) return `final answer ${describeDifference(outcome.answer, expected)}`;
  return undefined;
}

function describeDifference(actual: string, expected: string): string {
  let at = 0;
  while (at < actual.length && actual[at] === expected[at]) at += 1;
  const around = JSON.stringify(actual.slice(at, at + 20));
  return `differs at character ${at} of ${expected.length} (${actual.length} received): ${around}`;
}

function event(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}
