import { describe, expect, it } from 'vitest';
import { sendJson, useTestServers } from '../test-server.ts';
import { createWebSearch } from './web-search.ts';

// Two loopback servers on different ports are two origins, as two hosts would be.

const KEY = 'BSA-redirect-key-0123456789';
const RESULTS = { web: { results: [{ title: 'Tides', url: 'https://tides.example/', description: 'Twice a day.' }] } };

const serve = useTestServers();

describe('web_search following a redirect', () => {
  it('never sends the API key to another origin the endpoint redirects to', async () => {
    const elsewhere = await serve((_request, response) => sendJson(response, 200, RESULTS));
    const endpoint = await serve((request, response) =>
      response.writeHead(302, { location: `${elsewhere.url}${request.url ?? '/'}` }).end(),
    );

    const result = await createWebSearch({ apiKey: KEY, endpoint: endpoint.url }).run({ query: 'tides' });

    expect(endpoint.requests[0]?.headers['x-subscription-token']).toBe(KEY);
    expect(elsewhere.requests).toHaveLength(1);
    expect(elsewhere.requests[0]?.headers['x-subscription-token']).toBeUndefined();
    expect(result).toBe('1. Tides\n   Twice a day.\n   https://tides.example/');
  });

  it('keeps the API key on a redirect within the same origin', async () => {
    const endpoint = await serve((request, response) => {
      if (request.url?.startsWith('/v2/') === true) sendJson(response, 200, RESULTS);
      else response.writeHead(301, { location: `/v2${request.url ?? '/'}` }).end();
    });

    await createWebSearch({ apiKey: KEY, endpoint: endpoint.url }).run({ query: 'tides' });

    expect(endpoint.requests.map((request) => request.headers['x-subscription-token'])).toEqual([KEY, KEY]);
  });
});
