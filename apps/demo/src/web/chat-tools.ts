import { tool, z } from '@tinyagent/core';

// Made-up but stable forecasts: the demo must answer the same way every time, offline or not.
const FORECASTS: Readonly<Record<string, { celsius: number; sky: string; windKmh: number }>> = {
  paris: { celsius: 18, sky: 'partly cloudy', windKmh: 12 },
  london: { celsius: 14, sky: 'light rain', windKmh: 20 },
  tokyo: { celsius: 23, sky: 'sunny', windKmh: 8 },
  oslo: { celsius: 9, sky: 'overcast', windKmh: 15 },
};

/** The cities `get_weather` knows, for the scripted model and the tool's own error. */
export const KNOWN_CITIES = ['Paris', 'London', 'Tokyo', 'Oslo'] as const;

/** Today's (made-up) weather in one of a few cities. */
export const getWeather = tool({
  name: 'get_weather',
  description: `Current weather in a city. Knows ${KNOWN_CITIES.join(', ')}.`,
  parameters: z.object({ city: z.string().min(1).max(100).describe('City name, e.g. Paris') }),
  execute: ({ city }) => {
    const forecast = FORECASTS[city.trim().toLowerCase()];
    if (forecast === undefined)
      throw new Error(`no weather data for ${city}; known cities: ${KNOWN_CITIES.join(', ')}`);
    return { city, ...forecast };
  },
});

/**
 * Sends an email, or rather pretends to: nothing leaves the machine. It needs the user's approval,
 * so every run that reaches it pauses until the page's Approve or Decline.
 */
export const sendEmail = tool({
  name: 'send_email',
  description: 'Sends an email. The user approves every email before it is sent.',
  parameters: z.object({
    to: z.string().min(3).max(200).describe('Recipient address'),
    subject: z.string().max(200),
    body: z.string().max(4_000),
  }),
  needsApproval: true,
  execute: ({ to, subject }) => ({ status: 'sent', to, subject, messageId: `msg-${to.length}${subject.length}` }),
});
