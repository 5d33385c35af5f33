// The offline stand-in for a model in the web chat: two short conversations (the weather in a
// city, and emailing that forecast, which waits for approval), decided from the conversation the
// agent sends. The tools, the agent loop, the pause and the resume all do real work; each reply is
// streamed by core's scripted model, paced like a real model's.
import type { ChatMessage, ChatModel, ChatRequest } from '@tinyagent/core';
import { createScriptedModel } from '@tinyagent/testing';
import type { ScriptedReply, ScriptedStreamOptions } from '@tinyagent/testing';
import { KNOWN_CITIES } from './chat-tools.ts';
import { declineReason } from '../scripted-brains.ts';

/** How fast the scripted model streams: about 130 characters a second, as a quick hosted model. */
export const DEFAULT_PACE: ScriptedStreamOptions = { chunkSize: 4, chunkDelayMs: 30 };

/** A ChatModel that answers the web chat's two scripted conversations, streamed at `pace`. */
export function createScriptedChatModel(pace: ScriptedStreamOptions = DEFAULT_PACE): ChatModel {
  return {
    modelName: 'scripted-model',
    // Each call gets a one-reply scripted model: the reply depends on the conversation, not on how
    // many calls came before, so any number of runs can share this model.
    complete: (request: ChatRequest) => createScriptedModel([scriptedReply(request.messages)], pace).complete(request),
  };
}

interface Weather {
  city: string;
  celsius: number;
  sky: string;
  windKmh: number;
}

/** The scripted model's reply to a conversation: the next turn of the script its question matches. */
export function scriptedReply(messages: readonly ChatMessage[]): ScriptedReply {
  const taskAt = messages.findLastIndex((message) => message.role === 'user');
  const question = messages[taskAt]?.content ?? '';
  const since = messages.slice(taskAt + 1);
  const turn = since.filter((message) => message.role === 'assistant').length;
  const results = since.flatMap((message) => (message.role === 'tool' ? [message.content] : []));
  const city = KNOWN_CITIES.find((known) => question.toLowerCase().includes(known.toLowerCase()));
  const wantsEmail = /\b(?:e-?mail|mail|send)\b/i.test(question);
  if (!wantsEmail && !/\b(?:weather|forecast|temperature)\b/i.test(question)) return NO_SCRIPT;
  if (city === undefined) return `(offline: scripted model) I only know the weather in ${KNOWN_CITIES.join(', ')}.`;
  const weatherCall = { id: `call_weather_${turn}`, name: 'get_weather', arguments: { city } };
  if (turn === 0) {
    const preamble = wantsEmail
      ? `I'll look up the forecast for ${city} first.`
      : `Let me check the weather in ${city}.`;
    return { content: preamble, toolCalls: [weatherCall] };
  }
  const weather = parseJson(results[0]) as Weather | undefined;
  if (weather === undefined) return `I could not get the weather in ${city}: ${results[0] ?? 'no result'}`;
  if (!wantsEmail) return describeWeather(weather);
  const to = recipient(question);
  if (turn === 1) {
    const body = `Hi,\n\ntoday in ${city}: ${weather.celsius} °C, ${weather.sky}, wind ${weather.windKmh} km/h.\n\nSent from the TinyAgent web demo`;
    const email = { to, subject: `The weather in ${city}`, body };
    return {
      content: 'Here is the email; it goes out once you approve it.',
      toolCalls: [{ id: 'call_email_1', name: 'send_email', arguments: email }],
    };
  }
  return answerAfterEmail(results[1] ?? '', to, weather);
}

const NO_SCRIPT =
  '(offline: scripted model) I know two conversations: ask about the weather in ' +
  `${KNOWN_CITIES.join(', ')}, or ask me to email that forecast to someone (ada@example.com, say). ` +
  'Start the demo with OPENAI_API_KEY or OPENAI_BASE_URL set to talk to a real model.';

function describeWeather({ city, celsius, sky, windKmh }: Weather): string {
  const advice = sky.includes('rain')
    ? 'Take an umbrella if you go out: the rain is light, but it will not stop soon.'
    : celsius >= 20
      ? 'A good day for a walk; sunglasses will be more use than a coat.'
      : 'A light jacket will do for a walk, and you can leave the umbrella at home.';
  return `Right now it is ${celsius} °C in ${city}, ${sky}, with the wind at ${windKmh} km/h. ${advice}`;
}

function answerAfterEmail(result: string, to: string, weather: Weather): string {
  if (result.startsWith('Error:')) {
    const reason = declineReason(result);
    const why = reason === undefined ? '' : ` (${reason})`;
    return `I did not send the email to ${to}: you declined it${why}. Nothing was sent; the forecast for ${weather.city} is ${weather.celsius} °C and ${weather.sky}, if you would rather pass it on yourself.`;
  }
  const sent = parseJson(result) as { messageId?: string } | undefined;
  return `Sent: ${to} now has the forecast for ${weather.city} (${weather.celsius} °C, ${weather.sky}); the message id is ${sent?.messageId ?? 'unknown'}.`;
}

// The first word of the question that looks like an address; split, not a pattern, so a long
// question costs linear time.
function recipient(question: string): string {
  const word = question.split(/\s+/).find((candidate) => candidate.includes('@'));
  if (word === undefined) return 'ada@example.com';
  let end = word.length;
  while (end > 0 && '.,;:!?)'.includes(word.charAt(end - 1))) end -= 1;
  return word.slice(0, end);
}

function parseJson(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}
