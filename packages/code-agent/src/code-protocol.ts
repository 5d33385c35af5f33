import type { AgentProtocol, Tool } from '@tinyagent/core';
import type { CodeEvent } from './code-events.ts';
import { describeCodeEvent } from './code-events.ts';
import { STOP_SEQUENCES, extractCode } from './code-extraction.ts';
import { JsExecutor } from './sandbox/js-executor.ts';
import type { ResolvedLimits } from './sandbox/sandbox-limits.ts';

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
}): AgentProtocol<CodeEvent> {
  return {
    agentName: 'TinyCodeAgent',
    systemPrompt: settings.systemPrompt,
    describeEvent: describeCodeEvent,
    start: (run) => {
      const executor = new JsExecutor({ tools: settings.tools, limits: settings.limits });
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
          run.emit({ type: 'code-start', code: extracted.code });
          const result = await executor.run(extracted.code, {
            typescript: extracted.typescript,
            signal: run.signal,
            run: run.scope,
            invokeTool: (call, options) => run.invokeTool(call, options),
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
        close: () => executor.dispose(),
      };
    },
  };
}
