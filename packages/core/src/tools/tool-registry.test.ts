import { afterEach, describe, expect, it } from 'vitest';
import { ToolRegistryError } from '../errors.ts';
import { tool } from './tool.ts';
import { ToolRegistry, freezeRegistry, getRegistry, resetRegistry } from './tool-registry.ts';

function named(name: string, result = name) {
  return tool({ name, description: `The ${name} tool.`, execute: () => result });
}

describe('ToolRegistry', () => {
  it('finds registered tools by name and counts them', () => {
    const search = named('search');
    const registry = new ToolRegistry([search]).register(named('fetch'));

    expect(registry.get('search')).toBe(search);
    expect(registry.get('missing')).toBeUndefined();
    expect(registry.has('fetch')).toBe(true);
    expect(registry.has('missing')).toBe(false);
    expect(registry.size).toBe(2);
  });

  it('lists and iterates tools in registration order', () => {
    const registry = new ToolRegistry([named('b'), named('a'), named('c')]);

    expect(registry.names()).toEqual(['b', 'a', 'c']);
    expect([...registry].map((entry) => entry.name)).toEqual(['b', 'a', 'c']);
  });

  it('refuses a second tool with the same name, saying how to replace it', () => {
    const registry = new ToolRegistry([named('search')]);

    expect(() => registry.register(named('search'))).toThrow(ToolRegistryError);
    expect(() => registry.register(named('search'))).toThrow(/already registered.*replace: true/);
    expect(() => new ToolRegistry([named('x'), named('x')])).toThrow(ToolRegistryError);
  });

  it('replaces a tool when asked to, keeping its place in the order', () => {
    const replacement = named('search', 'new');
    const registry = new ToolRegistry([named('search', 'old'), named('fetch')]);

    registry.register(replacement, { replace: true });

    expect(registry.get('search')).toBe(replacement);
    expect(registry.names()).toEqual(['search', 'fetch']);
    expect(registry.size).toBe(2);
  });

  it('unregisters a tool and reports whether it was there', () => {
    const registry = new ToolRegistry([named('search')]);

    expect(registry.unregister('search')).toBe(true);
    expect(registry.unregister('search')).toBe(false);
    expect(registry.has('search')).toBe(false);
  });

  it('refuses to register or unregister once frozen, saying the registry is frozen', () => {
    const registry = new ToolRegistry([named('search')]).freeze();

    expect(registry.frozen).toBe(true);
    expect(() => registry.register(named('fetch'))).toThrow(
      "Cannot register tool 'fetch': the registry is frozen. Register tools before freezing it.",
    );
    expect(() => registry.unregister('search')).toThrow("Cannot unregister tool 'search': the registry is frozen.");
    expect(() => registry.register(named('search'), { replace: true })).toThrow(ToolRegistryError);
    expect(registry.names()).toEqual(['search']);
  });
});

describe('ToolRegistry view', () => {
  it('offers reads only', () => {
    const view = new ToolRegistry([named('search')]).view();

    expect('register' in view).toBe(false);
    expect('unregister' in view).toBe(false);
    expect('freeze' in view).toBe(false);
    expect(view.get('search')?.name).toBe('search');
  });

  it('sees registrations and freezing that happen after it was made', () => {
    const registry = new ToolRegistry();
    const view = registry.view();

    registry.register(named('late'));
    registry.freeze();

    expect(view.has('late')).toBe(true);
    expect(view.size).toBe(1);
    expect(view.names()).toEqual(['late']);
    expect([...view].map((entry) => entry.name)).toEqual(['late']);
    expect(view.frozen).toBe(true);
  });
});

describe('default registry', () => {
  afterEach(() => {
    resetRegistry();
  });

  it('is the same registry on every call', () => {
    getRegistry().register(named('shared'));

    expect(getRegistry().has('shared')).toBe(true);
  });

  it('is frozen by freezeRegistry, which returns a read-only view of it', () => {
    getRegistry().register(named('search'));

    const view = freezeRegistry();

    expect(view.names()).toEqual(['search']);
    expect('register' in view).toBe(false);
    expect(getRegistry().frozen).toBe(true);
    expect(() => getRegistry().register(named('fetch'))).toThrow(ToolRegistryError);
  });

  it('is replaced by an empty, unfrozen one on reset', () => {
    const before = getRegistry().register(named('search')).freeze();

    resetRegistry();

    expect(getRegistry()).not.toBe(before);
    expect(getRegistry().size).toBe(0);
    expect(getRegistry().frozen).toBe(false);
  });
});
