import type { AgentModelOptions } from '@tinyagent/core';
import { ReactAgent } from '@tinyagent/react-agent';
import type { ScriptedStreamOptions } from '@tinyagent/testing';
import { chooseProvider } from '../provider.ts';
import { getWeather, sendEmail } from './chat-tools.ts';
import { createScriptedChatModel } from './scripted-chat.ts';

/** The web chat's agent, and what the page says about its model. */
export interface ChatAgent {
  agent: ReactAgent;
  offline: boolean;
  /** `offline: scripted model — ...`, or the model and where it runs (never a key). */
  label: string;
}

/**
 * Builds the chat's ReactAgent (native tool calling, the weather and email tools): on the model
 * `OPENAI_API_KEY` or `OPENAI_BASE_URL` point at, else on the scripted model streaming at `pace`.
 */
export async function createChatAgent(
  env: Readonly<Record<string, string | undefined>>,
  pace?: ScriptedStreamOptions,
): Promise<ChatAgent> {
  const provider = chooseProvider(env);
  // Online, connect() hands back the model options from the environment and ignores the brain
  // (the CLI demos' offline fake server); the web chat streams its scripted model in process.
  const model: AgentModelOptions = provider.offline
    ? { chatModel: createScriptedChatModel(pace) }
    : (await provider.connect(() => '')).options;
  const agent = new ReactAgent({
    ...model,
    tools: [getWeather, sendEmail],
    toolCalling: 'native',
  });
  return { agent, offline: provider.offline, label: provider.label };
}
