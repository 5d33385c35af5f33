import type { AgentModelOptions } from '@tinyagent/core';
import { startFakeOpenAI } from '@tinyagent/testing';
import type { FakeOpenAIServer, FakeRequest, FakeResponse } from '@tinyagent/testing';

/** The notice every offline answer carries: nothing offline is a model's intelligence. */
export const OFFLINE_NOTICE = 'offline: scripted model — set OPENAI_API_KEY or OPENAI_BASE_URL for a real one';

/** A scripted stand-in for the model: given the request the agent sent, the reply it gets. */
export type ScriptedBrain = (request: FakeRequest) => FakeResponse;

/** Which model the demos talk to, as chosen from the environment. */
export interface Provider {
  offline: boolean;
  /** Shown in every answer's header. */
  label: string;
  /** Agent options for this provider; offline, the base URL of a fake server running `brain`. */
  connect(brain: ScriptedBrain): Promise<Connection>;
}

/** Agent options plus what to release when the demo is done. */
export interface Connection {
  options: AgentModelOptions;
  close(): Promise<void>;
}

/**
 * Picks the provider: `OPENAI_BASE_URL` (with an optional key) → that OpenAI-compatible server,
 * `OPENAI_API_KEY` → OpenAI, neither → offline, against a local fake server answering from a
 * script. `TINYAGENT_MODEL` names the model.
 */
export function chooseProvider(env: Readonly<Record<string, string | undefined>>): Provider {
  const baseURL = nonBlank(env.OPENAI_BASE_URL);
  const apiKey = nonBlank(env.OPENAI_API_KEY);
  const model = nonBlank(env.TINYAGENT_MODEL);
  if (baseURL !== undefined || apiKey !== undefined) {
    const name = model ?? 'gpt-4o-mini';
    const where = baseURL === undefined ? 'OpenAI' : (URL.parse(baseURL)?.host ?? baseURL);
    const options: AgentModelOptions = { model: name, apiKey, baseURL };
    return {
      offline: false,
      label: `${name} via ${where}`,
      connect: () => Promise.resolve({ options, close: () => Promise.resolve() }),
    };
  }
  return {
    offline: true,
    label: OFFLINE_NOTICE,
    connect: async (brain) => {
      const server: FakeOpenAIServer = await startFakeOpenAI({ handler: brain, models: ['scripted-model'] });
      // No key: the fake server needs none, and no real key can leak into a scripted run.
      return {
        options: { model: 'scripted-model', baseURL: server.url, apiKey: undefined },
        close: () => server.close(),
      };
    },
  };
}

function nonBlank(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
