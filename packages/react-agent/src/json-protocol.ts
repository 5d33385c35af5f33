import type { AgentRun, ChatResponse } from '@tinyagent/core';
import { readJsonReply } from './json-reply.ts';
import { raiseTemperature, sendCorrection, setFinalAnswer } from './react-loop.ts';
import type { ReactProtocol, ReactSettings } from './react-loop.ts';
import { runToolCall } from './tool-calls.ts';

/** The two reply shapes the JSON protocol accepts, as the corrections show them to the model. */
export const JSON_REPLY_SHAPES =
  '{"scratchpad": "your reasoning", "tool": "tool_name", "arguments": {"argument_name": "value"}}\n' +
  '{"scratchpad": "your reasoning", "answer": "your final answer"}';

/**
 * The JSON protocol (the seed's behaviour): each reply is a JSON object naming a tool to call or
 * the answer; tool results come back as `Observation: ...` user messages. An unusable reply gets a
 * correction and raises the temperature for the rest of the run.
 */
export function createJsonProtocol(run: AgentRun, settings: ReactSettings): ReactProtocol {
  let temperature = settings.temperature;

  const takeStep = async (step: number): Promise<void> => {
    const reply = await run.callModel(settings.model, { messages: run.messages, temperature }, step);
    run.messages.push({ role: 'assistant', content: reply.content ?? '' });
    const action = readJsonReply(reply.content);
    switch (action.kind) {
      case 'answer':
        setFinalAnswer(run, step, action.answer, 'normal', scratchpadMetadata(action.scratchpad));
        return;
      case 'tool': {
        const context = { run, tools: settings.tools, step, maxObservationLength: settings.maxObservationLength };
        // Missing or null arguments mean none: the event and the tool both see an empty object.
        const call = { id: `step-${step}`, name: action.tool, arguments: action.arguments ?? {} };
        const outcome = await runToolCall(context, call);
        run.messages.push({ role: 'user', content: `Observation: ${outcome.output}` });
        return;
      }
      case 'scratchpad':
        sendCorrection(
          run,
          step,
          'the reply had only a scratchpad',
          `Scratchpad noted: ${action.scratchpad}\nNow act: reply with one JSON object that calls a tool or gives ` +
            `the final answer:\n${JSON_REPLY_SHAPES}`,
        );
        return;
      case 'invalid':
        temperature = raiseTemperature(temperature);
        sendCorrection(run, step, action.reason, invalidReplyMessage(action.reason, reply));
        return;
    }
  };

  const finalAttempt = async (step: number): Promise<void> => {
    const reply = await run.callModel(settings.model, { messages: run.messages, temperature: 0 }, step);
    run.messages.push({ role: 'assistant', content: reply.content ?? '' });
    const action = readJsonReply(reply.content);
    if (action.kind === 'answer') {
      setFinalAnswer(run, step, action.answer, 'final_attempt', scratchpadMetadata(action.scratchpad));
    }
  };

  return { step: takeStep, finalAttempt };
}

function invalidReplyMessage(reason: string, reply: ChatResponse): string {
  const cutOff =
    reply.finishReason === 'length' ? ' It was cut off at the length limit: keep the scratchpad short.' : '';
  return (
    `Your reply could not be used: ${reason}.${cutOff} Reply with exactly one JSON object, in one of these ` +
    `shapes:\n${JSON_REPLY_SHAPES}`
  );
}

function scratchpadMetadata(scratchpad: string | undefined): Record<string, unknown> | undefined {
  return scratchpad === undefined ? undefined : { scratchpad };
}
