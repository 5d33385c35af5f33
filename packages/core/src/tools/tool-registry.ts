import { ToolRegistryError } from '../errors.ts';
import type { Tool } from './tool.ts';

/** Read-only access to a set of tools by name. */
export interface ReadonlyToolRegistry extends Iterable<Tool> {
  get(name: string): Tool | undefined;
  has(name: string): boolean;
  /** Tool names in registration order. */
  names(): string[];
  readonly size: number;
  readonly frozen: boolean;
}

/** Options of `ToolRegistry.register`. */
export interface RegisterOptions {
  /** Replace a tool already registered under the same name instead of failing. */
  replace?: boolean | undefined;
}

/** A named set of tools: duplicates are refused unless replacement is explicit; `freeze()` locks it. */
export class ToolRegistry implements ReadonlyToolRegistry {
  readonly #tools = new Map<string, Tool>();
  #frozen = false;

  /** Creates a registry, optionally filled with `tools`. */
  constructor(tools: Iterable<Tool> = []) {
    for (const entry of tools) this.register(entry);
  }

  /** Adds a tool; throws ToolRegistryError for a duplicate name (unless `replace`) or a frozen registry. */
  register(entry: Tool, options: RegisterOptions = {}): this {
    if (this.#frozen) {
      throw new ToolRegistryError(
        `Cannot register tool '${entry.name}': the registry is frozen. Register tools before freezing it.`,
      );
    }
    if (this.#tools.has(entry.name) && options.replace !== true) {
      throw new ToolRegistryError(
        `A tool named '${entry.name}' is already registered. Rename one, or pass { replace: true } to replace it.`,
      );
    }
    this.#tools.set(entry.name, entry);
    return this;
  }

  /** Removes a tool by name; returns whether it was there. Throws on a frozen registry. */
  unregister(name: string): boolean {
    if (this.#frozen) {
      throw new ToolRegistryError(`Cannot unregister tool '${name}': the registry is frozen.`);
    }
    return this.#tools.delete(name);
  }

  get(name: string): Tool | undefined {
    return this.#tools.get(name);
  }

  has(name: string): boolean {
    return this.#tools.has(name);
  }

  names(): string[] {
    return [...this.#tools.keys()];
  }

  get size(): number {
    return this.#tools.size;
  }

  get frozen(): boolean {
    return this.#frozen;
  }

  /** Locks the registry: later register/unregister calls throw. */
  freeze(): this {
    this.#frozen = true;
    return this;
  }

  /** A live read-only view: it sees later registrations but offers no way to make them. */
  view(): ReadonlyToolRegistry {
    return new ToolRegistryView(this);
  }

  [Symbol.iterator](): Iterator<Tool> {
    return this.#tools.values();
  }
}

class ToolRegistryView implements ReadonlyToolRegistry {
  readonly #registry: ToolRegistry;

  constructor(registry: ToolRegistry) {
    this.#registry = registry;
  }

  get(name: string): Tool | undefined {
    return this.#registry.get(name);
  }

  has(name: string): boolean {
    return this.#registry.has(name);
  }

  names(): string[] {
    return this.#registry.names();
  }

  get size(): number {
    return this.#registry.size;
  }

  get frozen(): boolean {
    return this.#registry.frozen;
  }

  [Symbol.iterator](): Iterator<Tool> {
    return this.#registry[Symbol.iterator]();
  }
}

let defaultRegistry = new ToolRegistry();

/** The process-wide default registry, for applications that collect tools in one place. */
export function getRegistry(): ToolRegistry {
  return defaultRegistry;
}

/** Freezes the default registry and returns a read-only view of it. */
export function freezeRegistry(): ReadonlyToolRegistry {
  return defaultRegistry.freeze().view();
}

/** Replaces the default registry with an empty one; meant for tests. */
export function resetRegistry(): void {
  defaultRegistry = new ToolRegistry();
}
