import { MultipleFinalAnswers } from '../errors.ts';

/** Where a final answer came from: the normal loop, or the one extra attempt after the step limit. */
export type FinalAnswerSource = 'normal' | 'final_attempt';

/** A run's final answer with its provenance. */
export interface FinalAnswer<Value = unknown> {
  value: Value;
  source: FinalAnswerSource;
  timestamp: Date;
  metadata: Record<string, unknown>;
}

/** Options of `Finalizer.set`. */
export interface SetFinalAnswerOptions {
  source?: FinalAnswerSource | undefined;
  metadata?: Record<string, unknown> | undefined;
}

/** Holds one run's final answer: it can be set once; a second `set` throws MultipleFinalAnswers. */
export class Finalizer<Value = unknown> {
  #answer: FinalAnswer<Value> | undefined;

  /** Records the final answer; throws MultipleFinalAnswers (carrying both values) when one is already set. */
  set(value: Value, options: SetFinalAnswerOptions = {}): FinalAnswer<Value> {
    if (this.#answer !== undefined) {
      throw new MultipleFinalAnswers('A final answer was already given for this run; call final_answer exactly once.', {
        firstAnswer: this.#answer.value,
        secondAnswer: value,
      });
    }
    this.#answer = {
      value,
      source: options.source ?? 'normal',
      timestamp: new Date(),
      metadata: { ...options.metadata },
    };
    return this.#answer;
  }

  /** The final answer, or undefined while none is set. */
  get(): FinalAnswer<Value> | undefined {
    return this.#answer;
  }

  /** Whether a final answer has been set. */
  isSet(): boolean {
    return this.#answer !== undefined;
  }

  /** Forgets the answer so the finalizer can be used for another run. */
  reset(): void {
    this.#answer = undefined;
  }
}
