import { ConfigurationError, tool, z } from '@tinyagent/core';
import { checkOptionKeys } from '@tinyagent/core/internal';
import type { Tool, ToolContext } from '@tinyagent/core';
import { createPlanStore, getPlanStore } from './plan-store.ts';
import type { Plan, PlanStore } from './plan-store.ts';

const UPDATABLE_KEYS = ['goal', 'context', 'steps', 'status'] as const;
const ALLOWED = UPDATABLE_KEYS.join(', ');

const goal = z.string().trim().min(1, 'goal must not be empty').describe('What the plan should achieve.');
const steps = z
  .array(z.string(), { error: 'steps must be a list of strings' })
  .describe('The steps to reach the goal, in order.');
const planId = z
  .string()
  .trim()
  .min(1, 'plan_id must not be empty')
  .describe('The id create_plan returned, e.g. "plan_1".');

const createParameters = z.object({
  goal,
  context: z.string().optional().describe('Background the plan should keep in mind.'),
  steps: steps.optional(),
});

const updateParameters = z.object({
  plan_id: planId,
  updates: z
    .strictObject(
      {
        goal: goal.optional(),
        context: z.string({ error: 'context must be a string' }).optional(),
        steps: steps.optional(),
        status: z
          .string({ error: 'status must be a string' })
          .trim()
          .min(1, 'status must not be empty')
          .optional()
          .describe('Where the plan stands, e.g. "in_progress" or "done".'),
      },
      {
        error: (issue) => {
          if (issue.code === 'unrecognized_keys') {
            const keys = issue.keys.map((key) => `'${key}'`).join(', ');
            return `unknown update key${issue.keys.length === 1 ? '' : 's'} ${keys}; allowed keys: ${ALLOWED}`;
          }
          return `updates must be an object with some of: ${ALLOWED}`;
        },
      },
    )
    .refine((updates) => Object.keys(updates).length > 0, {
      error: `updates cannot be empty; give at least one of: ${ALLOWED}`,
      // Unknown keys are stripped before this check, so { owner: 'me' } would also read as empty: a
      // second, contradictory message. Emptiness is worth saying only when nothing else is wrong.
      when: (payload) => payload.issues.length === 0,
    })
    .describe(`The fields to change; allowed keys: ${ALLOWED}.`),
});

const getParameters = z.object({ plan_id: planId });

/** The arguments of create_plan. */
export type CreatePlanArguments = z.output<typeof createParameters>;
/** The arguments of update_plan. */
export type UpdatePlanArguments = z.output<typeof updateParameters>;
/** The arguments of get_plan. */
export type GetPlanArguments = z.output<typeof getParameters>;

/** The three planning tools, bound to one store. */
export interface PlanningTools {
  createPlan: Tool<CreatePlanArguments, Plan>;
  updatePlan: Tool<UpdatePlanArguments, Plan>;
  getPlan: Tool<GetPlanArguments, Plan>;
}

/** Options of `createPlanningTools`. */
export interface PlanningToolsOptions {
  /** Where the plans live; default a new in-memory store for these three tools alone. */
  store?: PlanStore | undefined;
}

/**
 * Creates create_plan, update_plan and get_plan bound to one store: pass a store to share plans
 * with your code or between agents, or leave it out for a private one. The tools are synchronous,
 * so both agents can use them; each returns the plan as a copy.
 */
export function createPlanningTools(options: PlanningToolsOptions = {}): PlanningTools {
  const store = checkStore(options) ?? createPlanStore();
  return buildTools(() => store);
}

// Checked here, not at the first tool call: a misspelled key, or the store passed where its options
// belong, would otherwise keep the plans in a private store without a word, and a store missing a
// method would fail only when the model calls a tool.
function checkStore(options: PlanningToolsOptions): PlanStore | undefined {
  const given: unknown = options;
  const isStore = typeof given === 'object' && given !== null && 'create' in given && 'list' in given;
  if (typeof given !== 'object' || given === null || isStore) {
    throw new ConfigurationError(
      'createPlanningTools takes an options object such as { store }; pass a PlanStore as its store.',
    );
  }
  checkOptionKeys(options, ['store'], 'createPlanningTools');
  const store: unknown = options.store;
  if (store === undefined) return undefined;
  const methods = ['create', 'update', 'get', 'list'] as const;
  if (typeof store !== 'object' || store === null || methods.some((name) => !isMethod(store, name))) {
    throw new ConfigurationError(
      'createPlanningTools: store must be a PlanStore, with create, update, get and list methods ' +
        '(createPlanStore() makes one), or left out for a private store.',
    );
  }
  return store as PlanStore;
}

function isMethod(value: object, name: string): boolean {
  return typeof (value as Record<string, unknown>)[name] === 'function';
}

function buildTools(storeOf: (context: ToolContext) => PlanStore): PlanningTools {
  return {
    createPlan: tool({
      name: 'create_plan',
      description:
        'Create a plan for a task: a goal, optional context and optional steps. Returns the plan with its id ' +
        '(status "created"); use the id with update_plan and get_plan.',
      parameters: createParameters,
      execute: (args, context) => storeOf(context).create(args),
    }),
    updatePlan: tool({
      name: 'update_plan',
      description: `Change a plan: give its plan_id and an updates object with some of ${ALLOWED}. Returns the updated plan.`,
      parameters: updateParameters,
      execute: ({ plan_id, updates }, context) => storeOf(context).update(plan_id, updates),
    }),
    getPlan: tool({
      name: 'get_plan',
      description: 'Get a plan by its plan_id, as it stands now.',
      parameters: getParameters,
      execute: ({ plan_id }, context) => storeOf(context).get(plan_id),
    }),
  };
}

const runScoped = buildTools((context) => getPlanStore(context.run));

/** The ready-made create_plan tool; it keeps plans in the calling run's store (`getPlanStore(run)`). */
export const createPlan: Tool<CreatePlanArguments, Plan> = runScoped.createPlan;
/** The ready-made update_plan tool, working on the calling run's plans. */
export const updatePlan: Tool<UpdatePlanArguments, Plan> = runScoped.updatePlan;
/** The ready-made get_plan tool, reading the calling run's plans. */
export const getPlan: Tool<GetPlanArguments, Plan> = runScoped.getPlan;
