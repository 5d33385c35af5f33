import type { AgentEvent, PendingApproval } from '@tinyagent/core';
import type { CodeEvent } from '@tinyagent/code-agent';
import { redactSecrets, stringifyResult } from '@tinyagent/core';
import { escapeControls } from '@tinyagent/core/internal';

/** Where the demo writes; a TTY gets a spinner, anything else plain lines. */
export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const LINE_LENGTH = 160;

/**
 * Shows a run as it happens, from its events: each step, each tool call with its arguments, each
 * observation, executed code and its output, corrections, and a spinner while the model thinks.
 * Call `stop()` when the run is over (it also stops on `run-end`).
 */
export function createProgress(out: Output): { onEvent: (event: AgentEvent | CodeEvent) => void; stop: () => void } {
  let spinner: NodeJS.Timeout | undefined;
  let frame = 0;
  const line = (text: string): void => {
    clearSpinner();
    out.write(`${escapeControls(redactSecrets(text))}\n`);
  };
  const clearSpinner = (): void => {
    if (spinner === undefined) return;
    clearInterval(spinner);
    spinner = undefined;
    out.write('\r\x1b[K');
  };
  const startSpinner = (step: number): void => {
    if (out.isTTY !== true || spinner !== undefined) return;
    spinner = setInterval(() => {
      frame = (frame + 1) % FRAMES.length;
      out.write(`\r${FRAMES[frame] ?? ''} step ${step}: the model is thinking…`);
    }, 80);
    // A spinner must never keep the process alive.
    spinner.unref();
  };

  const onEvent = (event: AgentEvent | CodeEvent): void => {
    switch (event.type) {
      case 'step-start':
        line(event.finalAttempt ? '  final attempt (step limit reached)' : `  step ${event.step}`);
        return;
      case 'model-request':
        startSpinner(event.step);
        return;
      case 'model-response': {
        clearSpinner();
        const thought = readThought(event.content, event.toolCalls.length > 0);
        if (thought !== undefined) line(`    thinks: ${shorten(thought)}`);
        return;
      }
      case 'tool-start':
        line(`    → ${event.toolName}(${shorten(stringifyResult(event.arguments))})`);
        return;
      case 'tool-end':
        line(`    ${event.isError ? '✗' : '←'} ${shorten(event.output)}`);
        return;
      case 'code-start':
        line(`    runs code:\n${indent(event.code)}`);
        return;
      case 'code-end':
        line(`    ${event.isError ? 'error' : 'output'}:\n${indent(event.output.trimEnd() || '(nothing printed)')}`);
        return;
      case 'approval-requested':
        line(`    ⏸ ${describeWaiting(event.approval)} waits for approval`);
        return;
      case 'approval-resolved':
        line(
          `    ${event.approved ? '✓ approved' : `✗ declined${event.reason === undefined ? '' : `: ${event.reason}`}`}`,
        );
        return;
      case 'correction':
        line(`    ! ${event.reason}`);
        return;
      case 'run-end':
        clearSpinner();
        return;
      default:
        return;
    }
  };
  return { onEvent, stop: clearSpinner };
}

function describeWaiting(approval: PendingApproval): string {
  if (approval.kind === 'tool-call') return `${approval.toolName}(${shorten(stringifyResult(approval.arguments))})`;
  return `a code block calling ${approval.calls.map((call) => call.toolName).join(', ')}`;
}

// JSON-protocol replies carry the model's reasoning in "scratchpad"; text next to native tool
// calls is reasoning too. Plain text without tool calls is the answer, shown under its own header.
function readThought(content: string | null, callsTools: boolean): string | undefined {
  if (content === null || content.trim() === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(content);
    if (typeof parsed === 'object' && parsed !== null && 'scratchpad' in parsed) {
      const { scratchpad } = parsed;
      return typeof scratchpad === 'string' ? scratchpad : JSON.stringify(scratchpad);
    }
  } catch {
    // Not JSON: a native-protocol answer or free text.
  }
  return callsTools ? content : undefined;
}

function shorten(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= LINE_LENGTH ? flat : `${flat.slice(0, LINE_LENGTH)}…`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .slice(0, 40)
    .map((row) => `      ${row}`)
    .join('\n');
}
