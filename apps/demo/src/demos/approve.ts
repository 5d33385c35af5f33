import { resolve } from 'node:path';
import { ConfigurationError, tool, z } from '@tinyagent/core';
import type { RunResult } from '@tinyagent/core';
import { ReactAgent } from '@tinyagent/react-agent';
import { createApprovalPrompter, decideAll } from '../approval-prompt.ts';
import type { ApprovalPrompter, Decisions } from '../approval-prompt.ts';
import type { Demo, DemoOptionValues } from '../demo.ts';
import { DemoInputError } from '../report-error.ts';
import { declineReason, nativeProtocolBrain } from '../scripted-brains.ts';
import type { DemoSession } from '../session.ts';
import { defaultSnapshotPath, readSnapshotFile, removeSnapshot, saveSnapshot } from '../snapshot-file.ts';

const BALANCES = { checking: 1_250, savings: 8_400 };

const getBalance = tool({
  name: 'get_balance',
  description: 'The balance of one of your accounts, in euros.',
  parameters: z.object({ account: z.enum(['checking', 'savings']) }),
  execute: ({ account }) => ({ account, balance: BALANCES[account], currency: 'EUR' }),
});

const transferMoney = tool({
  name: 'transfer_money',
  description:
    'Sends euros from the checking account to a payee. Transfers above 100 EUR wait for the user to approve.',
  parameters: z.object({ to: z.string(), amount: z.number().positive(), memo: z.string() }),
  // Small payments go through; a person decides on larger ones. The function runs at call time.
  needsApproval: ({ amount }) => amount > 100,
  execute: ({ to, amount, memo }) => ({
    status: 'sent',
    to,
    amount,
    memo,
    reference: `TX-${to.replace(/\W/g, '').slice(0, 6).toUpperCase()}-${amount}`,
  }),
});

const TASK =
  'Pay the electricity bill: 120 EUR to Ada Power Co., memo "March invoice", if my checking account covers it.';

function answerFrom(results: readonly string[]): string {
  const { balance } = JSON.parse(results[0] ?? '{}') as { balance?: number };
  const transfer = results[1] ?? '';
  if (transfer.startsWith('Error:')) {
    const reason = declineReason(transfer);
    return `I did not pay Ada Power Co.: you declined the transfer${reason === undefined ? '' : ` (${reason})`}. Your checking balance stays ${balance} EUR.`;
  }
  const { reference } = JSON.parse(transfer) as { reference?: string };
  return `Paid 120 EUR to Ada Power Co. (reference ${reference}); checking held ${balance} EUR before the payment.`;
}

/**
 * A ReactAgent whose `transfer_money` waits for a person above 100 EUR: the run pauses, its snapshot
 * is saved to a file, and the decision, taken at the prompt, from a flag or in a later command
 * (`--resume <file>`), resumes it.
 */
export const approveDemo: Demo = {
  name: 'approve',
  summary: 'a payment that waits for your approval: the run pauses, is saved to a file, and resumes with y/n',
  interactive: true,
  brain: nativeProtocolBrain(TASK, [
    () => ({ calls: [{ tool: 'get_balance', arguments: { account: 'checking' } }] }),
    (results) => {
      const { balance = 0 } = JSON.parse(results[0] ?? '{}') as { balance?: number };
      if (balance < 120) return { answer: `Your checking account holds only ${balance} EUR; I did not pay.` };
      const payment = { to: 'Ada Power Co.', amount: 120, memo: 'March invoice' };
      return { calls: [{ tool: 'transfer_money', arguments: payment }] };
    },
    (results) => ({ answer: answerFrom(results) }),
  ]),
  options: {
    resume: { value: 'file', summary: 'resume the paused run saved in this file' },
    approve: { summary: 'approve what the run waits for, without asking' },
    decline: { value: 'reason', summary: 'decline what the run waits for, with this reason, without asking' },
    snapshot: { value: 'file', summary: 'where to save the paused run (default .tinyagent/approve-<runId>.json)' },
  },
  async run(session, model, _args, options) {
    const agent = new ReactAgent({
      ...model,
      tools: [getBalance, transferMoney],
      toolCalling: 'native',
      temperature: 0,
    });
    let flagged = decisionFromOptions(options);
    let path = typeof options.snapshot === 'string' ? resolve(session.cwd, options.snapshot) : undefined;
    let result: RunResult;
    // A file this command saved or resumed holds decisions about to be spent.
    let ownsFile = false;
    if (typeof options.resume === 'string') {
      path = resolve(session.cwd, options.resume);
      ownsFile = true;
      result = await resumeUndecided(session, agent, path);
    } else {
      result = await session.watch(TASK, (runOptions) => agent.run(TASK, runOptions));
    }
    let prompter: ApprovalPrompter | undefined;
    try {
      while (result.state === 'awaiting_approval' && result.snapshot !== undefined) {
        const { snapshot } = result;
        const pending = snapshot.pendingApprovals;
        path ??= defaultSnapshotPath(session.cwd, 'approve', snapshot.runId);
        await saveSnapshot(path, snapshot);
        ownsFile = true;
        session.say(`\nThe run is paused, waiting for ${pending.length} decision(s); saved to ${path}`);
        let decisions: Decisions | undefined;
        if (flagged !== undefined) {
          decisions = decideAll(pending, flagged);
        } else if (session.stdin.isTTY === true) {
          prompter ??= createApprovalPrompter(session.stdin, session.log, session.signal);
          decisions = await prompter.decide(pending);
        }
        // The flags answer the pause the user ran into; a later one is shown before it is decided.
        flagged = undefined;
        if (decisions === undefined) {
          explainResume(session, path);
          return;
        }
        const approvals = decisions;
        result = await session.watch(`(resuming ${snapshot.runId})`, (runOptions) =>
          agent.resume(snapshot, { ...runOptions, approvals }),
        );
      }
    } finally {
      prompter?.close();
    }
    if (path !== undefined && ownsFile) {
      // The decisions are spent: resuming this file again would send the approved payment twice.
      await removeSnapshot(path);
      session.say(`Removed ${path}: the run is over.`);
    }
    if (result.finalAnswer === undefined) throw result.error ?? new Error(`The run ended as ${result.state}.`);
  },
};

function decisionFromOptions(options: DemoOptionValues) {
  const { approve, decline } = options;
  if (approve === true && typeof decline === 'string') {
    throw new DemoInputError('--approve and --decline contradict each other.', { hint: 'give one of them.' });
  }
  if (approve === true) return { approved: true } as const;
  if (typeof decline === 'string')
    return decline.trim() === '' ? { approved: false as const } : { approved: false as const, reason: decline };
  return undefined;
}

// Core reads a snapshot only to resume it. A resume without decisions replays the recorded steps
// (no model or tool call) and pauses again where the run was, with its pending approvals checked:
// a file that is not this demo's saved run fails here, before anyone is asked anything.
async function resumeUndecided(session: DemoSession, agent: ReactAgent, path: string): Promise<RunResult> {
  const text = await readSnapshotFile(path);
  try {
    return await session.watch(`(resuming ${path})`, (runOptions) => agent.resume(text, runOptions));
  } catch (error) {
    if (!ConfigurationError.isInstance(error)) throw error;
    throw new DemoInputError(`${path} is not a paused run of this demo: ${error.message}`, {
      hint: 'pass the file the approve demo printed when its run paused.',
      cause: error,
    });
  }
}

function explainResume(session: DemoSession, path: string): void {
  const file = /^[\w./@-]+$/.test(path) ? path : `'${path.replaceAll("'", "'\\''")}'`;
  session.say(
    [
      'No decision was taken here (stdin is not a terminal, or it ended). Decide later with one of:',
      `  pnpm demo approve --resume ${file} --approve`,
      `  pnpm demo approve --resume ${file} --decline "the reason"`,
      `  pnpm demo approve --resume ${file}            (asks at the prompt)`,
    ].join('\n'),
  );
}
