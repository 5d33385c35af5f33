import type { RunScope } from './tool-types.ts';

/** Creates a fresh run scope with an empty store. */
export function createRunScope(id: string = crypto.randomUUID()): RunScope {
  return new LazyRunScope(id);
}

// The store is made when a tool first asks for it: most runs' tools keep nothing, and every run in
// flight would hold an empty map.
class LazyRunScope implements RunScope {
  readonly id: string;
  #store: Map<unknown, unknown> | undefined;

  constructor(id: string) {
    this.id = id;
  }

  get store(): Map<unknown, unknown> {
    this.#store ??= new Map();
    return this.#store;
  }
}
