import type { AgentProtocol, AgentRun, Tool, ToolCallRequest } from '@tinyagent/core';
import { scanApprovalCalls } from './approval-scan.ts';
import type { CodeEvent } from './code-events.ts';
import { describeCodeEvent } from './code-events.ts';
import { STOP_SEQUENCES, extractCode } from './code-extraction.ts';
import { createCodeStreamExtractor } from './code-stream/code-stream-extractor.ts';
import { JsExecutor } from './sandbox/js-executor.ts';
import type { ResolvedLimits } from './sandbox/sandbox-limits.ts';
import type { SandboxPool } from './sandbox/sandbox-pool.ts';

/** What the agent tells the model when its reply holds no code. */
export const NO_CODE_CORRECTION = 'Please respond with a single fenced code block.';

/**
 * The code protocol: each reply's code block runs in the run's sandbox, where the tools are
 * functions; the output comes back as an observation until the code calls `final_answer`.
 */
export function createCodeProtocol(settings: {
  systemPrompt: string;
  tools: readonly Tool[];
  limits: ResolvedLimits;
  pool: SandboxPool | undefined;
}): AgentProtocol<CodeEvent> {
  // A needsApproval function cannot be asked before the code runs (the arguments are not known
  // yet): such a tool needs the block's approval as one that always needs it does.
  const gated = new Set(settings.tools.filter((entry) => entry.needsApproval !== false).map((entry) => entry.name));
  return {
    agentName: 'TinyCodeAgent',
    systemPrompt: settings.systemPrompt,
    describeEvent: describeCodeEvent,
    start: (run) => {
      const executor = new JsExecutor({ tools: settings.tools, limits: settings.limits, pool: settings.pool });
      // The sandbox starts while the model thinks about its first reply.
      executor.warm().catch(() => undefined);
      return {
        step: async () => {
          const response = await run.callModel({ temperature: 0, stop: STOP_SEQUENCES });
          const reply = response.content ?? '';
          run.append({ role: 'assistant', content: reply });
          const extracted = extractCode(reply);
          if (extracted === undefined) {
            run.correct('no code block', NO_CODE_CORRECTION);
            return;
          }
          const approved = await approveBlock(run, extracted.code, extracted.typescript, gated);
          if (approved === undefined) return;
          run.emit({ type: 'code-start', code: extracted.code });
          const result = await executor.run(extracted.code, {
            typescript: extracted.typescript,
            signal: run.signal,
            run: run.scope,
            invokeTool: (call, options) =>
              run.invokeTool(gatedCall(call, gated, approved), { ...options, approved: approved.has(call.name) }),
            // The guest's seed and clock readings go through the step seam too: a replay re-executes
            // this code with the tool results, seed and readings of the journal, and gets the same result.
            runStep: (name, work) => run.runStep(name, work),
          });
          run.emit({ type: 'code-end', output: result.output, isError: result.isError, durationMs: result.durationMs });
          if (result.isFinal) {
            const metadata =
              result.answerLength === undefined
                ? { step: run.step }
                : { step: run.step, originalLength: result.answerLength };
            // The value itself (an object stays an object; `output` is its JSON text), unless it was cut
            // to maxAnswerChars: then the text, which is all that is left of it.
            run.finish(result.answerLength === undefined ? result.value : result.answer, metadata);
            return;
          }
          run.append({ role: 'user', content: `Observation:\n${result.output}\n` });
        },
        // The code block as the model writes it, as `code-delta` events; the answer is known only
        // when the code calls final_answer (core then reports it whole as an answer-delta).
        streamModelCall: ({ attempt }) => {
          const extractor = createCodeStreamExtractor();
          const emit = (text: string): void => {
            if (text !== '') run.emit({ type: 'code-delta', attempt, text });
          };
          return { push: (text) => emit(extractor.push(text)), end: () => emit(extractor.end()) };
        },
        close: () => executor.dispose(),
      };
    },
  };
}

/**
 * Asks for approval of a block that calls tools needing it, before the block runs. Resolves with the
 * tools the block may call unasked, or undefined when the person declined (the model is told). The
 * run pauses here until there is a decision.
 */
async function approveBlock(
  run: AgentRun<CodeEvent>,
  code: string,
  typescript: boolean,
  gated: ReadonlySet<string>,
): Promise<ReadonlySet<string> | undefined> {
  if (gated.size === 0) return new Set();
  const { calls } = scanApprovalCalls(code, typescript, gated);
  if (calls.length === 0) return new Set();
  const decision = await run.requestApproval({ kind: 'code', callId: `code-${run.step}`, code, calls });
  if (decision.approved) return new Set(calls.map((call) => call.toolName));
  const said =
    decision.reason === undefined || decision.reason.trim() === '' ? '' : ` Reason: ${decision.reason.trim()}`;
  run.append({
    role: 'user',
    content: `Observation:\nThe user declined running this code, so none of it ran.${said}\nDo not run it unchanged; answer without it or try another way.\n`,
  });
  return undefined;
}

// A call of a tool that needs approval which the person did not see in the block (reached through
// a variable or a computed name) is refused, never run unasked.
function gatedCall(call: ToolCallRequest, gated: ReadonlySet<string>, approved: ReadonlySet<string>): ToolCallRequest {
  if (!gated.has(call.name) || approved.has(call.name)) return call;
  return {
    ...call,
    refusal:
      `tool '${call.name}' needs approval, and this code reaches it indirectly, where the approval cannot see it. ` +
      `Call it directly by name, as ${call.name}({...}), so the code can be approved before it runs.`,
  };
}
