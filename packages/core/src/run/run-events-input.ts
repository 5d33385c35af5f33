import type { AgentEvent, CustomEvent } from './agent-events.ts';
import { ConfigurationError } from '../errors.ts';

/**
 * The iterator of a run's events, for a helper named `owner`; throws ConfigurationError, at once
 * rather than at the first read, when `events` is not an async iterable. Taking the iterator does
 * not start the run: `agent.stream` starts it at the first `next()`.
 */
export function openRunEvents(events: unknown, owner: string): AsyncIterator<AgentEvent | CustomEvent> {
  const open = isObject(events)
    ? (events as Partial<AsyncIterable<AgentEvent | CustomEvent>>)[Symbol.asyncIterator]
    : undefined;
  if (typeof open !== 'function') {
    throw new ConfigurationError(
      `${owner} takes the events of a run, as agent.stream(task, options) yields them; got ${describeInput(events)}.`,
    );
  }
  return open.call(events);
}

function isObject(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

function describeInput(value: unknown): string {
  if (value instanceof Promise) return 'a promise (agent.run returns one: call agent.stream instead)';
  if (typeof value === 'string') return 'a string (pass agent.stream(task), not the task)';
  if (Array.isArray(value)) return 'an array (wrap it in an async generator, or pass agent.stream(...))';
  return value === null ? 'null' : typeof value;
}
