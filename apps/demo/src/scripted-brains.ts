// The offline stand-ins for a model. Each follows a fixed script written for one demo; what varies
// is read from the real tool results in the conversation, so the tools, the agent loop and the HTTP
// client all do real work while every decision is visibly scripted.
import type { FakeRequest } from '@tinyagent/testing';
import type { ScriptedBrain } from './provider.ts';

/** One scripted turn: a thought, then either a tool call or the answer. */
export type ScriptedTurn =
  { thought: string; tool: string; arguments: Record<string, unknown> } | { thought: string; answer: string };

/** The scripted turns for one question; each sees the observations so far and the question. */
export interface ScriptedPlan {
  /** Text the question contains. */
  question: string;
  turns: readonly ((observations: readonly string[], question: string) => ScriptedTurn)[];
}

/** Several tool calls in one turn (native tool calling), or the answer. */
export type ScriptedNativeTurn =
  { calls: readonly { tool: string; arguments: Record<string, unknown> }[] } | { answer: string };

/** A brain for ReactAgent's JSON protocol: replies are `{"scratchpad", "tool", "arguments"}` or `{"scratchpad", "answer"}`. */
export function jsonProtocolBrain(plans: readonly ScriptedPlan[]): ScriptedBrain {
  return (request) => {
    const { question, userTurns } = readConversation(request);
    const plan = plans.find((candidate) => question.includes(candidate.question));
    if (plan === undefined) return JSON.stringify({ scratchpad: 'No script matches.', answer: noScript(question) });
    const turn = pick(plan.turns, userTurns.length)(userTurns.map(stripObservation), question);
    return JSON.stringify(
      'answer' in turn
        ? { scratchpad: turn.thought, answer: turn.answer }
        : { scratchpad: turn.thought, tool: turn.tool, arguments: turn.arguments },
    );
  };
}

/**
 * A brain for ReactAgent's native protocol: each turn's tool calls, then a plain-text answer. Each
 * turn sees the tool results so far and the question as asked (which may carry a path or a URL).
 */
export function nativeProtocolBrain(
  question: string,
  turns: readonly ((results: readonly string[], question: string) => ScriptedNativeTurn)[],
): ScriptedBrain {
  return (request) => {
    const { question: asked, assistantTurns, toolResults } = readConversation(request);
    if (!asked.includes(question)) return noScript(asked);
    const turn = pick(turns, assistantTurns)(toolResults, asked);
    if ('answer' in turn) return turn.answer;
    return { toolCalls: turn.calls.map((call) => ({ name: call.tool, arguments: call.arguments })) };
  };
}

/** A brain for TinyCodeAgent: one fenced JavaScript block per turn; each sees the observations so far. */
export function codeBrain(
  question: string,
  turns: readonly ((observations: readonly string[]) => string)[],
): ScriptedBrain {
  return (request) => {
    const { question: asked, userTurns } = readConversation(request);
    if (!asked.includes(question)) return noScript(asked);
    return '```js\n' + pick(turns, userTurns.length)(userTurns) + '\n```';
  };
}

interface Conversation {
  question: string;
  /** User messages after the question: observations and corrections. */
  userTurns: string[];
  /** Results of native tool calls, in order. */
  toolResults: string[];
  assistantTurns: number;
}

function readConversation(request: FakeRequest): Conversation {
  const messages = request.body.messages;
  const first = messages.findIndex((message) => message.role === 'user');
  const rest = messages.slice(first + 1);
  const text = textOf;
  return {
    question: text(messages[first]?.content),
    userTurns: rest.filter((message) => message.role === 'user').map((message) => text(message.content)),
    toolResults: rest.filter((message) => message.role === 'tool').map((message) => text(message.content)),
    assistantTurns: rest.filter((message) => message.role === 'assistant').length,
  };
}

/** The text of a chat message's content; non-text content reads as empty. */
export function textOf(content: unknown): string {
  return typeof content === 'string' ? content : '';
}

/**
 * The reason in core's observation for a declined call (`... Reason: <why>. Do not retry ...`), or
 * undefined when the user gave none. Read by position, not by a pattern: the reason is the user's text.
 */
export function declineReason(observation: string): string | undefined {
  const start = observation.indexOf(REASON_MARK);
  const end = observation.lastIndexOf(RETRY_MARK);
  return start < 0 || end < start ? undefined : observation.slice(start + REASON_MARK.length, end);
}

const REASON_MARK = 'Reason: ';
const RETRY_MARK = '. Do not retry';

function stripObservation(text: string): string {
  return text.replace(/^Observation:\s*/, '');
}

// Past the end of a script the last turn repeats: it is the answer, so the run still ends.
function pick<Turn>(turns: readonly Turn[], index: number): Turn {
  const turn = turns[Math.min(index, turns.length - 1)];
  if (turn === undefined) throw new Error('A scripted plan needs at least one turn.');
  return turn;
}

function noScript(question: string): string {
  return `(scripted model) There is no script for "${question.slice(0, 80)}"; set OPENAI_API_KEY or OPENAI_BASE_URL to ask a real model.`;
}
