import { StepLimitReached } from '@tinyagent/core';
import { describe, expect, it } from 'vitest';
import { FINAL_ATTEMPT_MESSAGE, raiseTemperature } from './react-loop.ts';
import { createAgent, reply, sentMessages, startServer } from './test-fixtures.ts';

const weatherCall = reply({ scratchpad: 'I need the weather.', tool: 'get_weather', arguments: { city: 'Paris' } });

describe('raiseTemperature', () => {
  it('adds 0.2 without float noise and stops at 2', () => {
    expect(raiseTemperature(0.7)).toBe(0.9);
    expect(raiseTemperature(0.1)).toBe(0.3);
    expect(raiseTemperature(1.9)).toBe(2);
    expect(raiseTemperature(2)).toBe(2);
  });
});

describe('the step limit', () => {
  it('makes one final attempt at temperature 0 after maxSteps and returns its answer', async () => {
    const server = await startServer({ script: [weatherCall, weatherCall, reply({ answer: 'Probably sunny.' })] });

    const result = await createAgent(server).run('Weather?', { maxSteps: 2, returnResult: true });

    expect(result).toMatchObject({ output: 'Probably sunny.', state: 'step_limit_reached', stepsTaken: 2 });
    expect(result.finalAnswer?.source).toBe('final_attempt');
    expect(result.error).toBeUndefined();
    expect(server.requests[2]?.body.temperature).toBe(0);
    expect(sentMessages(server, 2).at(-1)).toEqual({ role: 'user', content: FINAL_ATTEMPT_MESSAGE });
    expect(sentMessages(server, 2)).toHaveLength(2 + 2 * 2 + 1);
    await expect(
      createAgent(await startServer({ script: [weatherCall, reply({ answer: 'Sunny.' })] })).run('Weather?', {
        maxSteps: 1,
      }),
    ).resolves.toBe('Sunny.');
  });

  it('rejects with StepLimitReached when the final attempt gives no answer either', async () => {
    const server = await startServer({ script: [weatherCall, weatherCall, weatherCall] });

    const error = await createAgent(server)
      .run('Weather?', { maxSteps: 2 })
      .catch((reason: unknown) => reason);

    expect(StepLimitReached.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      stepsTaken: 2,
      finalAttemptMade: true,
      context: { maxSteps: 2, lastReply: weatherCall },
    });
    expect(server.requests).toHaveLength(3);
  });

  it('resolves a step_limit_reached result with empty output and the error when returnResult is set', async () => {
    const server = await startServer({ script: [weatherCall, 'not json at all'] });

    const result = await createAgent(server).run('Weather?', { maxSteps: 1, returnResult: true });

    expect(result).toMatchObject({ state: 'step_limit_reached', output: '', finalAnswer: undefined, stepsTaken: 1 });
    expect(StepLimitReached.isInstance(result.error)).toBe(true);
    expect((result.error as StepLimitReached).finalAttemptMade).toBe(true);
  });
});
