import type {
  AgentProtocol,
  ChatResponse,
  ModelCallStream,
  ModelCallStreamContext,
  ProtocolRun,
} from '@tinyagent/core';
import { createJsonAnswerDecoder } from './json-answer-decoder.ts';
import { readJsonReply } from './json-reply.ts';
import { FINAL_ATTEMPT_MESSAGE, ReactRun, raiseTemperature } from './react-loop.ts';
import type { ReactSettings } from './react-loop.ts';

/** The two reply shapes the JSON protocol accepts, as the corrections show them to the model. */
export const JSON_REPLY_SHAPES =
  '{"scratchpad": "your reasoning", "tool": "tool_name", "arguments": {"argument_name": "value"}}\n' +
  '{"scratchpad": "your reasoning", "answer": "your final answer"}';

/**
 * The JSON protocol (the seed's behaviour): each reply is a JSON object naming a tool to call or
 * the answer; tool results come back as `Observation: ...` user messages. An unusable reply gets a
 * correction and raises the temperature for the rest of the run.
 */
export function createJsonProtocol(settings: ReactSettings): AgentProtocol {
  return {
    agentName: 'ReactAgent',
    // A JSON-protocol run's transcript is no native run's: neither resumes the other's snapshots.
    kind: 'ReactAgent/json',
    systemPrompt: settings.systemPrompt,
    start: (run) => new JsonRun(run, settings),
  };
}

// One run of the JSON protocol.
class JsonRun extends ReactRun implements ProtocolRun {
  protected callModel(): Promise<ChatResponse> {
    return this.run.callModel({ temperature: this.temperature });
  }

  // What the reply asks for: a tool call, a correction, or the answer.
  protected async act(reply: ChatResponse): Promise<void> {
    const run = this.run;
    run.append({ role: 'assistant', content: reply.content ?? '' });
    const action = readJsonReply(reply.content);
    switch (action.kind) {
      case 'answer':
        run.finish(action.answer, scratchpadMetadata(action.scratchpad));
        return;
      case 'tool': {
        // Missing or null arguments mean none: the event and the tool both see an empty object.
        const call = { id: `step-${run.step}`, name: action.tool, arguments: action.arguments ?? {} };
        const outcome = await run.invokeTool(call, { maxOutputLength: this.settings.maxObservationLength });
        run.append({ role: 'user', content: `Observation: ${outcome.output}` });
        return;
      }
      case 'scratchpad':
        run.correct(
          'the reply had only a scratchpad',
          `Scratchpad noted: ${action.scratchpad}\nNow act: reply with one JSON object that calls a tool or ` +
            `gives the final answer:\n${JSON_REPLY_SHAPES}`,
        );
        return;
      case 'invalid':
        this.temperature = raiseTemperature(this.temperature);
        run.correct(action.reason, invalidReplyMessage(action.reason, reply));
        return;
    }
  }

  // The `answer` string of the reply's JSON, decoded as it streams (never the JSON around it).
  streamModelCall(call: ModelCallStreamContext): ModelCallStream {
    const decoder = createJsonAnswerDecoder();
    return {
      push: (text) => {
        const piece = decoder.push(text);
        if (piece !== '') call.answer(piece);
      },
    };
  }

  async finalAttempt(): Promise<void> {
    const run = this.run;
    run.append({ role: 'user', content: FINAL_ATTEMPT_MESSAGE });
    const reply = await run.callModel({ temperature: 0 });
    run.append({ role: 'assistant', content: reply.content ?? '' });
    const action = readJsonReply(reply.content);
    if (action.kind === 'answer') run.finish(action.answer, scratchpadMetadata(action.scratchpad));
  }
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
