// The DOM of one question and the agent's reply to it. Everything the model or a tool wrote goes in
// as textContent, never as markup: a reply that contains <script> shows the word, it does not run.

/**
 * @typedef {import('@tinyagent/core').ToolCall} ToolCall
 * @typedef {import('@tinyagent/core').PendingApproval} PendingApproval
 * @typedef {import('@tinyagent/core').ApprovalDecision} ApprovalDecision
 */

/** Tool results are shown this long at most: a fetched page would otherwise fill the screen. */
const MAX_RESULT_CHARS = 600;

/**
 * Appends a question and an empty reply to `container`, and returns what fills the reply in.
 * `onDecide` receives the person's decision on a call that waits for approval.
 * @param {HTMLElement} container
 * @param {string} question
 * @param {(callId: string, decision: ApprovalDecision) => void} onDecide
 */
export function createTurnView(container, question, onDecide) {
  const reply = element('div', 'reply');
  const status = element('div', 'status');
  reply.append(status);
  container.append(element('div', 'question', question), reply);
  /** The text of the model turn streaming now. @type {HTMLElement | undefined} */
  let text;
  /** Tool call boxes, by call id, and by `step:index` while their id is still unknown. @type {Map<string, HTMLElement>} */
  const tools = new Map();

  /** @param {HTMLElement} child */
  const add = (child) => {
    status.before(child);
    child.scrollIntoView({ block: 'end' });
  };
  /** @param {string} key */
  const toolBox = (key) => {
    let box = tools.get(key);
    if (box === undefined) {
      box = element('div', 'tool');
      box.append(element('div', 'tool-call'));
      tools.set(key, box);
      add(box);
    }
    return box;
  };
  /**
   * @param {HTMLElement} box
   * @param {string} name
   * @param {string} args
   */
  const showCall = (box, name, args) => {
    const call = box.querySelector('.tool-call');
    if (call !== null) call.textContent = `→ ${name}(${args})`;
  };

  return {
    /** The run this reply shows, for people and tests reading the page. @param {string} runId */
    setRunId(runId) {
      reply.dataset.runId = runId;
    },
    /** The next piece of the model's text in this step. @param {string} piece */
    appendText(piece) {
      if (text === undefined) {
        text = element('div', 'text');
        text.dataset.state = 'streaming';
        add(text);
      }
      text.textContent += piece;
    },
    /** The attempt that streamed the text so far failed; its retry streams it again. */
    dropText() {
      text?.remove();
      text = undefined;
    },
    /**
     * The model's reply is complete: with tool calls, its text was a preamble, not the answer.
     * @param {number} step
     * @param {readonly ToolCall[]} toolCalls
     */
    endModelTurn(step, toolCalls) {
      if (text !== undefined) text.dataset.state = toolCalls.length > 0 ? 'preamble' : 'complete';
      if (toolCalls.length > 0) text = undefined;
      toolCalls.forEach((call, index) => {
        const box = toolBox(`${step}:${index}`);
        tools.set(call.id, box);
        showCall(box, call.name, call.arguments);
      });
    },
    /**
     * A fragment of a tool call as the model streams it.
     * @param {number} step
     * @param {number} index
     * @param {string | undefined} name
     * @param {string} args
     */
    streamToolCall(step, index, name, args) {
      const box = toolBox(`${step}:${index}`);
      if (name !== undefined) box.dataset.name = name;
      box.dataset.args = (box.dataset.args ?? '') + args;
      showCall(box, box.dataset.name ?? '…', box.dataset.args);
    },
    /** @param {string} callId */
    startTool(callId) {
      toolBox(callId).dataset.state = 'running';
    },
    /**
     * @param {string} callId
     * @param {string} output
     * @param {boolean} isError
     */
    endTool(callId, output, isError) {
      const box = toolBox(callId);
      box.dataset.state = isError ? 'failed' : 'done';
      const shown = output.length > MAX_RESULT_CHARS ? `${output.slice(0, MAX_RESULT_CHARS)}…` : output;
      box.append(element('div', 'tool-result', `← ${shown}`));
    },
    /** A call waits for the person: Approve, or Decline with an optional reason. @param {PendingApproval} approval */
    askApproval(approval) {
      const box = toolBox(approval.callId);
      box.dataset.state = 'waiting';
      if (approval.kind === 'tool-call') showCall(box, approval.toolName, JSON.stringify(approval.arguments));
      const reason = element('input', 'reason');
      reason.setAttribute('placeholder', 'reason to decline (optional)');
      const approve = element('button', 'approve', 'Approve');
      const decline = element('button', 'decline', 'Decline');
      const panel = element('div', 'approval');
      panel.append(approve, decline, reason);
      /** @param {ApprovalDecision} decision */
      const decide = (decision) => {
        panel.replaceChildren(element('span', 'decision', 'sending your decision…'));
        onDecide(approval.callId, decision);
      };
      approve.addEventListener('click', () => decide({ approved: true }));
      decline.addEventListener('click', () => {
        const said = /** @type {HTMLInputElement} */ (reason).value.trim();
        decide(said === '' ? { approved: false } : { approved: false, reason: said });
      });
      box.append(panel);
    },
    /**
     * A resumed run applied a decision.
     * @param {string} callId
     * @param {boolean} approved
     * @param {string | undefined} reason
     */
    resolveApproval(callId, approved, reason) {
      const panel = toolBox(callId).querySelector('.approval');
      const said = approved ? '✓ approved' : `✗ declined${reason === undefined ? '' : `: ${reason}`}`;
      panel?.replaceChildren(element('span', 'decision', said));
    },
    /** The run's answer, as its result has it: the streamed text was a preview of it. @param {string} answer */
    showAnswer(answer) {
      const box = text ?? element('div', 'text');
      if (text === undefined) add(box);
      box.classList.add('answer');
      box.textContent = answer;
      box.dataset.state = 'done';
      text = undefined;
    },
    /**
     * How the run stands: `state` is a RunState (or `error` for a failed request), `message` the words.
     * @param {string} state
     * @param {string} message
     */
    setStatus(state, message) {
      status.dataset.state = state;
      status.textContent = message;
      if (state === 'aborted' && text !== undefined) text.dataset.state = 'stopped';
    },
  };
}

/** @typedef {ReturnType<typeof createTurnView>} TurnView */

/**
 * @template {keyof HTMLElementTagNameMap} Tag
 * @param {Tag} tag
 * @param {string} className
 * @param {string} [content]
 * @returns {HTMLElementTagNameMap[Tag]}
 */
function element(tag, className, content) {
  const created = document.createElement(tag);
  created.className = className;
  if (content !== undefined) created.textContent = content;
  return created;
}
