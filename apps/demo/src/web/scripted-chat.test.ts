import { ReactAgent } from '@tinyagent/react-agent';
import { describe, expect, it } from 'vitest';
import { getWeather, sendEmail } from './chat-tools.ts';
import { createScriptedChatModel } from './scripted-chat.ts';

// The offline conversation through a real ReactAgent and real tools, streamed fast: only the
// model's decisions are scripted.
const agent = new ReactAgent({
  chatModel: createScriptedChatModel({ chunkSize: 64 }),
  tools: [getWeather, sendEmail],
  toolCalling: 'native',
});
const EMAIL = 'Email bob@example.com the weather in London.';

describe('the scripted web chat model', () => {
  it('looks the weather up and answers from the tool result', async () => {
    const result = await agent.run('What is the weather in Tokyo?', { returnResult: true });

    expect(result.state).toBe('completed');
    expect(result.output).toMatch(/^Right now it is 23 °C in Tokyo, sunny/);
  });

  it('drafts the email to the address in the question and waits for approval before sending it', async () => {
    const result = await agent.run(EMAIL, { returnResult: true });

    expect(result.state).toBe('awaiting_approval');
    expect(result.pendingApprovals).toMatchObject([
      { toolName: 'send_email', arguments: { to: 'bob@example.com', subject: 'The weather in London' } },
    ]);
  });

  it('says the email went out once approved, and that it did not, with the reason, once declined', async () => {
    const paused = await agent.run(EMAIL, { returnResult: true });
    const callId = paused.pendingApprovals?.[0]?.callId ?? '';

    const sent = await agent.resume(paused.snapshot!, { approvals: { [callId]: { approved: true } } });
    const declined = await agent.resume(paused.snapshot!, {
      approvals: { [callId]: { approved: false, reason: 'Bob is on holiday' } },
    });

    expect(sent).toMatch(/^Sent: bob@example.com now has the forecast for London/);
    expect(declined).toMatch(/^I did not send the email to bob@example.com: you declined it \(Bob is on holiday\)/);
  });

  it('says what it knows when the question matches no script', async () => {
    expect(await agent.run('Tell me a joke')).toContain('(offline: scripted model) I know two conversations');
  });
});
