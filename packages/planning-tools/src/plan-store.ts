import { TinyAgentError } from '@tinyagent/core';
import type { RunScope, TinyAgentErrorOptions } from '@tinyagent/core';
import { hasErrorCode } from '@tinyagent/core/internal';

/** A plan, as the planning tools create, update and return it. */
export interface Plan {
  /** `plan_1`, `plan_2`, … in the order the store created them. */
  id: string;
  goal: string;
  context: string;
  steps: string[];
  /** Free text chosen by the model; a new plan is `created`. */
  status: string;
}

/** What a new plan starts with. */
export interface NewPlan {
  goal: string;
  context?: string | undefined;
  steps?: readonly string[] | undefined;
}

/** The fields `update` may change; at least one is given. */
export interface PlanUpdate {
  goal?: string | undefined;
  context?: string | undefined;
  steps?: readonly string[] | undefined;
  status?: string | undefined;
}

/** Where the planning tools keep their plans. Every plan it returns is a copy: changing it changes nothing stored. */
export interface PlanStore {
  create(plan: NewPlan): Plan;
  /** Applies the given fields; throws PlanNotFoundError for an unknown id. */
  update(id: string, update: PlanUpdate): Plan;
  /** Throws PlanNotFoundError for an unknown id. */
  get(id: string): Plan;
  /** All plans, oldest first. */
  list(): Plan[];
}

/** The plan a tool call asked for does not exist in its store. */
export class PlanNotFoundError extends TinyAgentError {
  readonly planId: string;

  constructor(message: string, options: TinyAgentErrorOptions & { planId: string }) {
    super(message, { ...options, code: 'plan_not_found' });
    this.planId = options.planId;
  }

  /** The message for an unknown `planId`, naming the plans there are. */
  static describe(planId: string, knownIds: readonly string[]): string {
    const known =
      knownIds.length === 0
        ? 'there are no plans yet: create one with create_plan'
        : `the plans are ${knownIds.map((id) => `'${id}'`).join(', ')}`;
    return `Plan with id '${planId}' not found; ${known}.`;
  }

  /** True when `value` is a PlanNotFoundError from any installed copy of the package. */
  static isInstance(value: unknown): value is PlanNotFoundError {
    return hasErrorCode(value, 'plan_not_found');
  }
}

/** Creates an in-memory plan store. */
export function createPlanStore(): PlanStore {
  const plans = new Map<string, Plan>();
  let created = 0;
  const find = (id: string): Plan => {
    const plan = plans.get(id);
    if (plan === undefined) {
      throw new PlanNotFoundError(PlanNotFoundError.describe(id, [...plans.keys()]), { planId: id });
    }
    return plan;
  };
  return {
    create: ({ goal, context = '', steps = [] }) => {
      created += 1;
      const plan: Plan = { id: `plan_${created}`, goal, context, steps: [...steps], status: 'created' };
      plans.set(plan.id, plan);
      return structuredClone(plan);
    },
    update: (id, update) => {
      const plan = find(id);
      if (update.goal !== undefined) plan.goal = update.goal;
      if (update.context !== undefined) plan.context = update.context;
      if (update.steps !== undefined) plan.steps = [...update.steps];
      if (update.status !== undefined) plan.status = update.status;
      return structuredClone(plan);
    },
    get: (id) => structuredClone(find(id)),
    list: () => [...plans.values()].map((plan) => structuredClone(plan)),
  };
}

// A symbol of this module, not a registered one: each installed copy keeps its own plans.
const runStoreKey = Symbol('@tinyagent/planning-tools plans');

/**
 * The plan store of one agent run, created on first use. The ready-made planning tools keep their
 * plans here, so two runs (two agents, or one agent run twice) never see each other's plans.
 */
export function getPlanStore(run: RunScope): PlanStore {
  let store = run.store.get(runStoreKey) as PlanStore | undefined;
  if (store === undefined) {
    store = createPlanStore();
    run.store.set(runStoreKey, store);
  }
  return store;
}
