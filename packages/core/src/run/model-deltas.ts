// One model call's deltas on their way to the run's events: each piece checked, known secrets held
// back and redacted (per attempt, per channel), the protocol told the text, all of it dropped once
// the call has settled. Only runs with `deltas` on make one; other runs pay nothing per piece.
import type { ModelDelta, ToolCallDelta } from '../model/chat-model.ts';
import type { AgentEventInput, EventInput, ToolCallDeltaEvent } from './agent-events.ts';
import type { ModelCallStream, ModelCallStreamContext } from './agent-protocol.ts';
import { describeThrown } from '../tools/stringify.ts';
import { getLogger } from '../logger.ts';
import { SecretHoldback } from '../secret-holdback.ts';
import { knownSecrets, redactWith } from '../secrets.ts';

/** What a DeltaRelay needs of its run. */
export interface DeltaRelayOptions {
  step: number;
  emit: (input: AgentEventInput) => void;
  /** The protocol's hook (ProtocolRun.streamModelCall), when it has one. */
  streamModelCall?: ((context: ModelCallStreamContext) => ModelCallStream | undefined) | undefined;
  /** A promise while the run's consumer is behind (see streamRunEvents); the model then waits for it. */
  backpressure?: (() => Promise<void> | undefined) | undefined;
}

// The channels of one attempt, each with its own holdback: a secret never spans two of them.
interface AttemptChannels {
  attempt: number;
  text: SecretHoldback;
  reasoning: SecretHoldback;
  answer: SecretHoldback;
  // Per tool call: its name and its arguments, each held back on its own.
  calls: Map<number, { name: SecretHoldback; args: SecretHoldback }>;
  protocol: ModelCallStream | undefined;
}

/**
 * Turns one model call's ModelDeltas into `text-delta`, `reasoning-delta`, `tool-call-delta` and
 * (through the protocol) `answer-delta` events. `finish` releases what was held once the reply is
 * complete; `close` drops whatever still comes, so no delta follows the call's end.
 */
export class DeltaRelay {
  readonly #options: DeltaRelayOptions;
  // The secrets of the moment the call began: the environment is read once per call, not per piece.
  readonly #secrets = knownSecrets();
  #open = true;
  #current: AttemptChannels | undefined;

  /** A relay for one model call of step `options.step`. */
  constructor(options: DeltaRelayOptions) {
    this.#options = options;
  }

  /** The request's `onDelta`: relays one piece and says whether the model should wait for the consumer. */
  readonly onDelta = (delta: ModelDelta): Promise<void> | undefined => {
    if (!this.#open) return undefined;
    const channels = this.#channels(delta.attempt);
    if (channels === undefined) return undefined;
    switch (delta.type) {
      case 'text':
        this.#text(channels, channels.text.push(textOf(delta.text)));
        break;
      case 'reasoning':
        this.#reasoning(channels, channels.reasoning.push(textOf(delta.text)));
        break;
      case 'tool-call':
        this.#toolCall(channels, delta);
        break;
    }
    return this.#options.backpressure?.();
  };

  /** The call's reply is complete: releases what each channel held, and ends the protocol's stream. */
  finish(): void {
    const channels = this.#current;
    if (!this.#open || channels === undefined) return;
    this.#text(channels, channels.text.flush());
    this.#reasoning(channels, channels.reasoning.flush());
    for (const [index, call] of [...channels.calls].sort(([a], [b]) => a - b)) {
      const name = call.name.flush();
      const rest = call.args.flush();
      if (name === '' && rest === '') continue;
      const input: EventInput<ToolCallDeltaEvent> = {
        type: 'tool-call-delta',
        attempt: channels.attempt,
        index,
        arguments: rest,
      };
      if (name !== '') input.name = name;
      this.#emit(input);
    }
    const stream = channels.protocol;
    if (stream?.end !== undefined) this.#guard(() => stream.end?.());
    this.#answer(channels, channels.answer.flush());
  }

  /** The call has settled (or failed): nothing more is relayed, and what was held is dropped. */
  close(): void {
    this.#open = false;
    this.#current = undefined;
  }

  // The channels of `attempt`: new ones when a retry begins; none for a piece of an earlier attempt.
  #channels(value: unknown): AttemptChannels | undefined {
    // A ChatModel of anyone's making numbers its attempts; anything but a count from 1 counts as 1.
    const attempt = typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : 1;
    const current = this.#current;
    if (attempt === current?.attempt) return current;
    if (current !== undefined && attempt < current.attempt) return undefined;
    const channels: AttemptChannels = {
      attempt,
      text: new SecretHoldback(this.#secrets),
      reasoning: new SecretHoldback(this.#secrets),
      answer: new SecretHoldback(this.#secrets),
      calls: new Map(),
      protocol: undefined,
    };
    this.#current = channels;
    const hook = this.#options.streamModelCall;
    if (hook !== undefined) {
      const context: ModelCallStreamContext = {
        step: this.#options.step,
        attempt,
        answer: (text) => {
          if (this.#open && this.#current === channels) this.#answer(channels, channels.answer.push(textOf(text)));
        },
      };
      channels.protocol = this.#guard(() => hook(context));
    }
    return channels;
  }

  #text(channels: AttemptChannels, text: string): void {
    if (text === '') return;
    this.#emit({ type: 'text-delta', attempt: channels.attempt, text });
    const stream = channels.protocol;
    if (stream !== undefined) this.#guard(() => stream.push(text));
  }

  #reasoning(channels: AttemptChannels, text: string): void {
    if (text !== '') this.#emit({ type: 'reasoning-delta', attempt: channels.attempt, text });
  }

  #answer(channels: AttemptChannels, text: string): void {
    if (text !== '') this.#emit({ type: 'answer-delta', attempt: channels.attempt, text });
  }

  // Ids come whole in one fragment from every server we know: each is redacted as it comes. A name
  // may come in pieces (the seam allows it), so it is held back like the arguments: a secret split
  // across two of its pieces must not pass. A name that could begin no secret is released at once.
  #toolCall(channels: AttemptChannels, delta: ToolCallDelta): void {
    const index = Number.isInteger(delta.index) && delta.index >= 0 ? delta.index : 0;
    const stream = channels.protocol;
    if (stream?.toolCall !== undefined) this.#guard(() => stream.toolCall?.(index));
    let call = channels.calls.get(index);
    if (call === undefined) {
      call = { name: new SecretHoldback(this.#secrets), args: new SecretHoldback(this.#secrets) };
      channels.calls.set(index, call);
    }
    const name = call.name.push(textOf(delta.name));
    const released = call.args.push(textOf(delta.arguments));
    const input: EventInput<ToolCallDeltaEvent> = {
      type: 'tool-call-delta',
      attempt: channels.attempt,
      index,
      arguments: released,
    };
    if (typeof delta.id === 'string' && delta.id !== '') input.id = redactWith(this.#secrets, delta.id);
    if (name !== '') input.name = name;
    if (released === '' && input.id === undefined && input.name === undefined) return;
    this.#emit(input);
  }

  #emit(input: AgentEventInput): void {
    this.#options.emit(input);
  }

  // A protocol's stream reader that throws must not break the model call it reads.
  #guard<Result>(work: () => Result): Result | undefined {
    try {
      return work();
    } catch (error) {
      getLogger().warn(`A protocol's model-call stream threw: ${describeThrown(error)}`);
      return undefined;
    }
  }
}

// Pieces come from a ChatModel of anyone's making: anything but text is no text.
function textOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/**
 * The stream of a native tool-calling turn: its text is the answer when the turn calls no tool, which
 * is known only at its end, so the text streams as answer-delta until the turn's first tool call, and
 * a consumer takes it as the answer once the step's model-response has no tool calls.
 */
export function answerUntilToolCall(call: ModelCallStreamContext): ModelCallStream {
  let calling = false;
  return {
    push: (text) => {
      if (!calling) call.answer(text);
    },
    toolCall: () => {
      calling = true;
    },
  };
}
