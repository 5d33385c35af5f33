// The pieces of a streamed reply, as the accumulator reads them, turned into the ModelDeltas a
// request's `onDelta` receives: content split from `<think>` reasoning, each piece with its attempt.
import type { ModelDelta } from './chat-model.ts';
import { callListener, nothing } from '../listeners.ts';
import type { StreamParts } from './openai-mapping.ts';
import { ThinkSplitter } from './think-splitter.ts';

/**
 * The deltas of one attempt of a streamed model call. After each chunk, `takeWait` gives the promise
 * the consumer returned (if any), for the reader to await before it reads on.
 */
export class StreamDeltas implements StreamParts {
  readonly #onDelta: (delta: ModelDelta) => void | Promise<void>;
  readonly #attempt: number;
  readonly #splitter: ThinkSplitter;
  #wait: Promise<void> | undefined;

  /** Deltas of attempt `attempt` (from 1), for `onDelta`. */
  constructor(onDelta: (delta: ModelDelta) => void | Promise<void>, attempt: number) {
    this.#onDelta = onDelta;
    this.#attempt = attempt;
    this.#splitter = new ThinkSplitter((type, text) => this.#send({ type, attempt, text }));
  }

  /** Passes a piece of content on through the think splitter, as text or reasoning. */
  text(piece: string): void {
    this.#splitter.push(piece);
  }

  /** Passes a piece of reasoning on as it is. */
  reasoning(piece: string): void {
    this.#send({ type: 'reasoning', attempt: this.#attempt, text: piece });
  }

  /** Passes a fragment of the tool call at `position` on. */
  toolCall(position: number, id: string | undefined, name: string | undefined, args: string): void {
    const delta: ModelDelta = { type: 'tool-call', attempt: this.#attempt, index: position, arguments: args };
    if (id !== undefined) delta.id = id;
    if (name !== undefined) delta.name = name;
    this.#send(delta);
  }

  /** The promise the consumer returned since the last call, if any: the reader waits for it. */
  takeWait(): Promise<void> | undefined {
    const wait = this.#wait;
    this.#wait = undefined;
    return wait;
  }

  /** The reply is complete: sends what the think splitter still held. */
  end(): void {
    this.#splitter.end();
  }

  // A consumer that throws, or whose promise rejects, must not fail the model call it watches. One
  // chunk can make several deltas (reasoning and text, two calls' fragments): the read waits for
  // every promise they returned.
  #send(delta: ModelDelta): void {
    const heard = callListener(this.#onDelta, delta, deltaListenerFailed);
    if (heard === undefined) return;
    this.#wait = this.#wait === undefined ? heard : Promise.all([this.#wait, heard]).then(nothing);
  }
}

function deltaListenerFailed(): string {
  return "A model call's onDelta threw";
}
