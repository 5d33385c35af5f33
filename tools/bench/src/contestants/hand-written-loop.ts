import { BENCH_TOOLS, INSTRUCTIONS, MAX_TURNS, callBenchTool } from './contestant.ts';

/** A tool call as it comes over the wire. */
export interface WireToolCall {
  id: string;
  type: string;
  function: { name: string; arguments: string };
}

/** A chat message as it goes over the wire. */
export interface WireMessage {
  role: string;
  content: string | null;
  tool_calls?: WireToolCall[] | undefined;
  tool_call_id?: string;
}

/** The scenario tools as chat-completions function tools. */
export const WIRE_TOOLS = BENCH_TOOLS.map((entry) => ({
  type: 'function' as const,
  function: { name: entry.name, description: entry.description, parameters: entry.parameters.toJSONSchema() },
}));

/**
 * The shortest correct tool loop a person would write by hand, shared by the two floors, which
 * differ only in how they send a request (`complete`): the tool calls of a turn run concurrently,
 * a reply without tool calls is the answer. No validation, events or error handling.
 */
export async function runHandWrittenLoop(
  task: string,
  complete: (messages: WireMessage[]) => Promise<WireMessage | undefined>,
): Promise<string> {
  const messages: WireMessage[] = [
    { role: 'system', content: INSTRUCTIONS },
    { role: 'user', content: task },
  ];
  for (let turn = 0; turn < MAX_TURNS; turn += 1) {
    const message = await complete(messages);
    if (message === undefined) throw new Error('The model sent no choice.');
    const calls = (message.tool_calls ?? []).filter((call) => call.type === 'function');
    if (calls.length === 0) return message.content ?? '';
    messages.push(message);
    const outputs = await Promise.all(calls.map((call) => callBenchTool(call.function.name, call.function.arguments)));
    calls.forEach((call, index) => {
      messages.push({ role: 'tool', tool_call_id: call.id, content: outputs[index] ?? '' });
    });
  }
  throw new Error(`No answer within ${MAX_TURNS} turns.`);
}
