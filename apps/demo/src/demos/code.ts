import { tool, z } from '@tinyagent/core';
import { TinyCodeAgent } from '@tinyagent/code-agent';
import type { Demo } from '../demo.ts';
import { codeBrain } from '../scripted-brains.ts';

const PRICES_USD: Record<string, number> = { apple: 0.45, bread: 2.8, coffee: 11.9, milk: 1.25 };
const RATES: Record<string, number> = { 'USD:EUR': 0.92, 'USD:GBP': 0.79, 'EUR:USD': 1.087 };

const getPrice = tool({
  name: 'get_price',
  description: 'Unit price of a grocery item in US dollars.',
  parameters: z.object({ item: z.string().describe('apple, bread, coffee or milk') }),
  returns: z.object({ item: z.string(), price: z.number(), currency: z.literal('USD') }),
  execute: ({ item }) => {
    const price = PRICES_USD[item.toLowerCase()];
    if (price === undefined) throw new Error(`unknown item '${item}'; known: ${Object.keys(PRICES_USD).join(', ')}`);
    return { item, price, currency: 'USD' as const };
  },
});

const getExchangeRate = tool({
  name: 'get_exchange_rate',
  description: 'How many units of `to` one unit of `from` buys.',
  parameters: z.object({
    from: z.string().describe('currency code, e.g. USD'),
    to: z.string().describe('currency code'),
  }),
  returns: z.object({ from: z.string(), to: z.string(), rate: z.number() }),
  execute: ({ from, to }) => {
    const rate = RATES[`${from.toUpperCase()}:${to.toUpperCase()}`];
    if (rate === undefined) throw new Error(`no rate for ${from} to ${to}`);
    return { from, to, rate };
  },
});

const TASK = 'How much do 3 apples, 2 loaves of bread and 1 bag of coffee cost in euros?';

/** The seed's code demo: TinyCodeAgent computing an answer in JavaScript from object-returning data tools. */
export const codeDemo: Demo = {
  name: 'code',
  summary: 'TinyCodeAgent writing JavaScript that calls price and exchange-rate tools in a sandbox',
  interactive: false,
  brain: codeBrain(TASK, [
    () =>
      [
        'const basket = { apple: 3, bread: 2, coffee: 1 };',
        'const prices = Object.keys(basket).map((item) => get_price({ item }));',
        "const rate = get_exchange_rate({ from: 'USD', to: 'EUR' });",
        'console.log(prices, rate);',
      ].join('\n'),
    () =>
      [
        '// Variables from the previous step are still here: the sandbox keeps state within a run.',
        'const totalUsd = prices.reduce((sum, entry) => sum + entry.price * basket[entry.item], 0);',
        'const round = (value) => Math.round(value * 100) / 100;',
        'final_answer({ totalUsd: round(totalUsd), totalEur: round(totalUsd * rate.rate) });',
      ].join('\n'),
  ]),
  async run(session, model) {
    const agent = new TinyCodeAgent({ ...model, tools: [getPrice, getExchangeRate] });
    await session.ask(agent, TASK);
  },
};
