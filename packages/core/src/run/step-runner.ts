/**
 * The seam every model call and every tool execution of a run goes through. Each has an id that the
 * same run gives the same work however often it is replayed: `3/model` for the model call of step 3,
 * `3/tool/<callId>` for a tool call of that step. The default runs the work; a durable engine records
 * each result under its id and, when the run is replayed, returns the recorded result instead of
 * running the work again. Results are plain JSON data.
 */
export interface StepRunner {
  run<Result>(id: string, work: () => Promise<Result>): Promise<Result>;
}

/**
 * Runs every step as it comes, recording nothing. Its `run` is a plain function that reads no
 * `this`: a runner of your own may hand its steps to it (`runner.run = directStepRunner.run`), and
 * core then runs them on the same fast path as with no runner. Frozen: core recognises that path by
 * this very `run`, so no module may swap it for the whole process.
 */
export const directStepRunner = Object.freeze({
  run: <Result>(_id: string, work: () => Promise<Result>): Promise<Result> => work(),
}) satisfies StepRunner;

/** The id of a step's model call. */
export function modelStepId(step: number): string {
  return `${step}/model`;
}

/** The id of a tool call of a step. */
export function toolStepId(step: number, callId: string): string {
  return `${step}/tool/${callId}`;
}
