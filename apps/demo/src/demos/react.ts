import { tool, z } from '@tinyagent/core';
import { ReactAgent } from '@tinyagent/react-agent';
import type { Demo } from '../demo.ts';
import { nativeProtocolBrain } from '../scripted-brains.ts';

const WEATHER: Record<string, { celsius: number; conditions: string }> = {
  paris: { celsius: 18, conditions: 'cloudy' },
  oslo: { celsius: 9, conditions: 'light rain' },
};
const POPULATION: Record<string, { country: string; population: number }> = {
  paris: { country: 'France', population: 2_102_650 },
  oslo: { country: 'Norway', population: 709_037 },
};

const getWeather = tool({
  name: 'get_weather',
  description: 'Current weather in a city.',
  parameters: z.object({
    city: z.string().describe('City name'),
    units: z.enum(['celsius', 'fahrenheit']).default('celsius').describe('Temperature units'),
  }),
  execute: ({ city, units }) => {
    const weather = WEATHER[city.toLowerCase()];
    if (weather === undefined) throw new Error(`no weather data for ${city}; known cities: Paris, Oslo`);
    const temperature = units === 'celsius' ? weather.celsius : Math.round((weather.celsius * 9) / 5 + 32);
    return { city, temperature, units, conditions: weather.conditions };
  },
});

const getPopulation = tool({
  name: 'get_population',
  description: 'Population of a city. The service is flaky: if it fails, call it again.',
  parameters: z.object({ city: z.string().describe('City name') }),
  execute: ({ city }, { run }) => {
    // Fails the first call of every run, so each run shows the model recovering from a tool error.
    if (run.store.get('population-failed') !== true) {
      run.store.set('population-failed', true);
      throw new Error('the population service is busy; try again');
    }
    const entry = POPULATION[city.toLowerCase()];
    if (entry === undefined) throw new Error(`no population data for ${city}`);
    return { city, ...entry };
  },
});

const QUESTION =
  'Compare the weather in Paris (celsius) and Oslo (fahrenheit). Which of the two cities has more people?';

interface Facts {
  city: string;
  temperature?: number;
  units?: string;
  conditions?: string;
  population?: number;
}

function parseFacts(results: readonly string[]): Facts[] {
  return results.flatMap((text) => {
    try {
      return [JSON.parse(text) as Facts];
    } catch {
      return [];
    }
  });
}

function compose(results: readonly string[]): string {
  const facts = parseFacts(results);
  const weather = facts.filter((fact) => fact.conditions !== undefined);
  const people = facts
    .filter((fact) => fact.population !== undefined)
    .sort((a, b) => (b.population ?? 0) - (a.population ?? 0));
  const lines = weather.map((fact) => `${fact.city}: ${fact.temperature} ${fact.units}, ${fact.conditions}`);
  const [largest, other] = people;
  if (largest !== undefined && other !== undefined) {
    lines.push(
      `${largest.city} has more people (${largest.population?.toLocaleString('en')} vs ${other.population?.toLocaleString('en')}).`,
    );
  }
  return lines.join('\n');
}

/** The seed's react demo: object-returning tools, default arguments, parallel calls and recovery from a failing tool. */
export const reactDemo: Demo = {
  name: 'react',
  summary: 'ReactAgent with object-returning tools, default arguments, parallel calls and error recovery',
  interactive: false,
  brain: nativeProtocolBrain(QUESTION, [
    () => ({
      calls: [
        { tool: 'get_weather', arguments: { city: 'Paris' } },
        { tool: 'get_weather', arguments: { city: 'Oslo', units: 'fahrenheit' } },
        { tool: 'get_population', arguments: { city: 'Paris' } },
        { tool: 'get_population', arguments: { city: 'Oslo' } },
      ],
    }),
    (results) => {
      const failed = ['Paris', 'Oslo'].filter((_, index) => results[2 + index]?.startsWith('Error') === true);
      return failed.length > 0
        ? { calls: failed.map((city) => ({ tool: 'get_population', arguments: { city } })) }
        : { answer: compose(results) };
    },
    (results) => ({ answer: compose(results) }),
  ]),
  async run(session, model) {
    const agent = new ReactAgent({
      ...model,
      tools: [getWeather, getPopulation],
      toolCalling: 'native',
      temperature: 0,
    });
    await session.ask(agent, QUESTION);
  },
};
