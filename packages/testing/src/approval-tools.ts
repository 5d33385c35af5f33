import { tool, z } from '@tinyagent/core';
import type { Tool } from '@tinyagent/core';

/** The tools of an approval test, and what each has done so far. */
export interface ApprovalTools {
  /** `send_email` (needs approval), then `lookup` (needs none). */
  tools: Tool[];
  /** The `to` of every email `send_email` sent. */
  sent: string[];
  /** The `name` of every `lookup`. */
  lookups: string[];
}

/**
 * Creates the two tools every agent's approval tests share: `send_email({ to, body })`, which needs
 * approval and records `to`, and `lookup({ name })`, which needs none and returns `<name>@example.com`.
 */
export function createApprovalTools(): ApprovalTools {
  const sent: string[] = [];
  const lookups: string[] = [];
  const sendEmail = tool({
    name: 'send_email',
    description: 'Sends an email.',
    parameters: z.object({ to: z.string(), body: z.string() }),
    needsApproval: true,
    execute: ({ to }) => {
      sent.push(to);
      return `sent to ${to}`;
    },
  });
  const lookup = tool({
    name: 'lookup',
    description: "Finds a person's address.",
    parameters: z.object({ name: z.string() }),
    execute: ({ name }) => {
      lookups.push(name);
      return `${name.toLowerCase()}@example.com`;
    },
  });
  return { tools: [sendEmail, lookup], sent, lookups };
}
