// The chat page: sends a question, reads the run's events as server-sent events and shows them as
// they come; resumes a paused run with the person's decisions; stops a run on request.
import { readEventStream } from './event-stream.js';
import { createTurnView } from './turn-view.js';

/**
 * @typedef {import('@tinyagent/core').AgentEvent} AgentEvent
 * @typedef {import('@tinyagent/core').ApprovalDecision} ApprovalDecision
 * @typedef {import('./turn-view.js').TurnView} TurnView
 */

/** Earlier turns sent with each question, so a real model can follow the conversation. */
const MAX_HISTORY_MESSAGES = 20;

const messages = /** @type {HTMLElement} */ (document.querySelector('#messages'));
const form = /** @type {HTMLFormElement} */ (document.querySelector('#ask'));
const input = /** @type {HTMLInputElement} */ (document.querySelector('#question'));
const send = /** @type {HTMLButtonElement} */ (document.querySelector('#send'));
const stop = /** @type {HTMLButtonElement} */ (document.querySelector('#stop'));

/** @type {{ role: 'user' | 'assistant', content: string }[]} */
const history = [];
// The server's bound on one message of history (web-server.ts).
const MAX_MESSAGE_CHARS = 8_000;
/** The run streaming now: the request to close, and its id once the run has said it. */
let streaming = /** @type {{ request: AbortController, runId: string | undefined } | undefined} */ (undefined);

void showModel();

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const question = input.value.trim();
  if (question === '' || streaming !== undefined) return;
  input.value = '';
  void ask(question);
});

for (const suggestion of document.querySelectorAll('.suggestion')) {
  suggestion.addEventListener('click', () => {
    input.value = suggestion.textContent;
    form.requestSubmit();
  });
}

stop.addEventListener('click', () => {
  if (streaming === undefined) return;
  // The server aborts the run, which ends it as `aborted` and says so in its last event. Before the
  // run has an id, closing the stream does the same: the server stops a run nobody reads.
  if (streaming.runId === undefined) streaming.request.abort();
  else void post(`/api/runs/${encodeURIComponent(streaming.runId)}/stop`, {});
});

/** @param {string} question */
async function ask(question) {
  /** @type {Map<string, ApprovalDecision>} */
  const decisions = new Map();
  /** @type {string[]} */
  let waitingFor = [];
  let runId = '';
  // A reply may ask for several calls at once: the run resumes when each has its decision. A
  // decision taken before the run's end has said what it waits for is kept until it has.
  const resumeWhenDecided = () => {
    if (waitingFor.length === 0 || waitingFor.some((id) => !decisions.has(id))) return;
    const approvals = Object.fromEntries(waitingFor.map((id) => [id, decisions.get(id)]));
    // The decisions of this pause are spent: a later pause of the run asks again.
    waitingFor = [];
    decisions.clear();
    void follow(view, `/api/runs/${encodeURIComponent(runId)}/approvals`, { approvals }, onEnd);
  };
  const view = createTurnView(messages, question, (callId, decision) => {
    decisions.set(callId, decision);
    resumeWhenDecided();
  });
  /** @param {AgentEvent} event */
  const onEnd = (event) => {
    if (event.type !== 'run-end') return;
    runId = event.runId;
    if (event.result.state === 'awaiting_approval') {
      waitingFor = (event.result.pendingApprovals ?? []).map((pending) => pending.callId);
      resumeWhenDecided();
    }
    if (event.result.state === 'completed') {
      // The server takes messages of up to MAX_MESSAGE_CHARS: a longer answer is sent back cut.
      const answer = event.result.output.slice(0, MAX_MESSAGE_CHARS);
      history.push({ role: 'user', content: question }, { role: 'assistant', content: answer });
      history.splice(0, Math.max(0, history.length - MAX_HISTORY_MESSAGES));
    }
  };
  await follow(view, '/api/chat', { question, history: [...history] }, onEnd);
}

/**
 * Posts `body` to `path` and shows the run events the answer streams, until the stream ends.
 * @param {TurnView} view
 * @param {string} path
 * @param {unknown} body
 * @param {(event: AgentEvent) => void} onEvent
 */
async function follow(view, path, body, onEvent) {
  const request = new AbortController();
  const mine = { request, runId: /** @type {string | undefined} */ (undefined) };
  streaming = mine;
  setBusy(true);
  view.setStatus('running', 'thinking…');
  try {
    const response = await post(path, body, request.signal);
    if (response.body === null || !response.headers.get('content-type')?.startsWith('text/event-stream')) {
      view.setStatus('error', await problem(response));
      return;
    }
    for await (const { event, data } of readEventStream(response.body)) {
      if (event === 'end') break;
      if (event === 'stream-error') {
        const { message } = /** @type {{ message?: string }} */ (parseJson(data));
        view.setStatus('error', `The run could not start: ${message ?? 'no reason given'}`);
        break;
      }
      const parsed = /** @type {AgentEvent} */ (parseJson(data));
      if (parsed.type === 'run-start') {
        mine.runId = parsed.runId;
        view.setRunId(parsed.runId);
      }
      show(view, parsed);
      onEvent(parsed);
    }
  } catch (error) {
    if (request.signal.aborted) view.setStatus('aborted', 'stopped');
    else view.setStatus('error', `The connection failed: ${String(error)}`);
  } finally {
    // An older run resumed by a late decision must not free the Stop button of a newer one.
    if (streaming === mine) {
      streaming = undefined;
      setBusy(false);
    }
  }
}

/**
 * @param {TurnView} view
 * @param {AgentEvent} event
 */
function show(view, event) {
  switch (event.type) {
    case 'answer-delta':
      view.appendText(event.text);
      break;
    case 'model-retry':
      view.dropText();
      break;
    case 'tool-call-delta':
      view.streamToolCall(event.step, event.index, event.name, event.arguments);
      break;
    case 'model-response':
      view.endModelTurn(event.step, event.toolCalls);
      break;
    case 'tool-start':
      view.startTool(event.toolCallId);
      break;
    case 'tool-end':
      view.endTool(event.toolCallId, event.output, event.isError);
      break;
    case 'approval-requested':
      view.askApproval(event.approval);
      break;
    case 'approval-resolved':
      view.resolveApproval(event.callId, event.approved, event.reason);
      break;
    case 'run-end':
      showEnd(view, event.result);
      break;
    default:
      break;
  }
}

/**
 * @param {TurnView} view
 * @param {import('@tinyagent/core').RunResult} result
 */
function showEnd(view, result) {
  const steps = `${result.stepsTaken} step${result.stepsTaken === 1 ? '' : 's'}`;
  if (result.state === 'completed') {
    view.showAnswer(result.output);
    view.setStatus('completed', `done in ${steps}`);
  } else if (result.state === 'awaiting_approval') {
    view.setStatus('awaiting_approval', 'waiting for your decision');
  } else if (result.state === 'aborted') {
    view.setStatus('aborted', `stopped after ${steps}`);
  } else {
    if (result.output !== '') view.showAnswer(result.output);
    // The run-end frame carries an error as its name and message only, secrets redacted.
    const why = result.error?.message === undefined ? '' : `: ${result.error.message}`;
    view.setStatus(result.state, `the run ended (${result.state.replaceAll('_', ' ')})${why}`);
  }
}

/**
 * @param {string} path
 * @param {unknown} body
 * @param {AbortSignal} [signal]
 */
function post(path, body, signal) {
  return fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    signal: signal ?? null,
  });
}

/** What a refused request says, or its status. @param {Response} response */
async function problem(response) {
  try {
    const { error } = /** @type {{ error?: unknown }} */ (parseJson(await response.text()));
    if (typeof error === 'string') return error;
  } catch {
    // Not JSON: the status says enough.
  }
  return `The server answered ${response.status}.`;
}

/** @param {boolean} busy */
function setBusy(busy) {
  send.disabled = busy;
  stop.disabled = !busy;
  // An earlier turn's run may still wait for a decision. Deciding it while another run streams
  // would resume it beside that run, and Stop would follow one of the two: it waits until the
  // page is free. A decision on the streaming run's own calls is kept until its end anyway.
  for (const button of messages.querySelectorAll('.approval button')) {
    /** @type {HTMLButtonElement} */ (button).disabled = busy;
  }
}

async function showModel() {
  const model = /** @type {HTMLElement} */ (document.querySelector('#model'));
  try {
    const response = await fetch('/api/info');
    const info = /** @type {{ offline: boolean, model: string }} */ (parseJson(await response.text()));
    model.textContent = info.model;
    model.dataset.offline = String(info.offline);
  } catch (error) {
    model.textContent = `cannot reach the server: ${String(error)}`;
  }
}

/**
 * JSON.parse, typed as what it is: anything, to be checked or cast by the caller.
 * @param {string} text
 * @returns {unknown}
 */
function parseJson(text) {
  return JSON.parse(text);
}
