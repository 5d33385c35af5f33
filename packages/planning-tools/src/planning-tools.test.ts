import { ConfigurationError, createRunScope, ToolExecutionError, ToolInputError } from '@tinyagent/core';
import { describe, expect, it } from 'vitest';
import { createPlanStore, getPlanStore } from './plan-store.ts';
import { createPlan, createPlanningTools, getPlan, updatePlan } from './planning-tools.ts';

async function runJson(promise: Promise<string>): Promise<unknown> {
  return JSON.parse(await promise) as unknown;
}

describe('the planning tools', () => {
  it('are synchronous tools named create_plan, update_plan and get_plan', () => {
    const { createPlan: create, updatePlan: update, getPlan: get } = createPlanningTools();
    expect([create.name, update.name, get.name]).toEqual(['create_plan', 'update_plan', 'get_plan']);
    expect([create.isAsync, update.isAsync, get.isAsync]).toEqual([false, false, false]);
    expect([createPlan.isAsync, updatePlan.isAsync, getPlan.isAsync]).toEqual([false, false, false]);
  });

  it('create a plan with an id, empty context and steps, and status "created"', async () => {
    const tools = createPlanningTools();
    expect(await runJson(tools.createPlan.run({ goal: 'Write the report' }))).toEqual({
      id: 'plan_1',
      goal: 'Write the report',
      context: '',
      steps: [],
      status: 'created',
    });
    expect(
      await runJson(tools.createPlan.run({ goal: 'Ship', context: 'by Friday', steps: ['build', 'test'] })),
    ).toEqual({
      id: 'plan_2',
      goal: 'Ship',
      context: 'by Friday',
      steps: ['build', 'test'],
      status: 'created',
    });
  });

  it('update only the given fields and return the updated plan', async () => {
    const tools = createPlanningTools();
    await tools.createPlan.run({ goal: 'Ship', context: 'by Friday' });
    const updated = await runJson(
      tools.updatePlan.run({ plan_id: 'plan_1', updates: { steps: ['build', 'test'], status: 'in_progress' } }),
    );
    expect(updated).toEqual({
      id: 'plan_1',
      goal: 'Ship',
      context: 'by Friday',
      steps: ['build', 'test'],
      status: 'in_progress',
    });
    expect(await runJson(tools.getPlan.run({ plan_id: 'plan_1' }))).toEqual(updated);
  });

  it('reject empty updates, naming the allowed keys', async () => {
    const { createPlan: create, updatePlan: update } = createPlanningTools();
    await create.run({ goal: 'Ship' });
    const failure = update.run({ plan_id: 'plan_1', updates: {} });
    await expect(failure).rejects.toBeInstanceOf(ToolInputError);
    await expect(failure).rejects.toThrow(
      "Invalid arguments for tool 'update_plan': updates: updates cannot be empty; give at least one of: goal, context, steps, status",
    );
  });

  it('reject unknown update keys with the allowed list, and change nothing', async () => {
    const { createPlan: create, updatePlan: update, getPlan: get } = createPlanningTools();
    await create.run({ goal: 'Ship' });
    await expect(update.run({ plan_id: 'plan_1', updates: { goal: 'Other', owner: 'me', id: 'x' } })).rejects.toThrow(
      "updates: unknown update keys 'owner', 'id'; allowed keys: goal, context, steps, status",
    );
    expect(await runJson(get.run({ plan_id: 'plan_1' }))).toMatchObject({ id: 'plan_1', goal: 'Ship' });
  });

  it('report only the unknown key when it is all updates holds, not that updates is empty too', async () => {
    const { createPlan: create, updatePlan: update } = createPlanningTools();
    await create.run({ goal: 'Ship' });
    const failure = update.run({ plan_id: 'plan_1', updates: { owner: 'me' } });
    await expect(failure).rejects.toMatchObject({
      message:
        "Invalid arguments for tool 'update_plan': updates: unknown update key 'owner'; allowed keys: goal, context, steps, status",
      issues: [{ path: ['updates'] }],
    });
  });

  it.each([
    [{ goal: 42 }, 'updates.goal: Invalid input: expected string, received number'],
    [{ goal: '  ' }, 'updates.goal: goal must not be empty'],
    [{ context: ['a'] }, 'updates.context: context must be a string'],
    [{ status: true }, 'updates.status: status must be a string'],
    [{ steps: 'write it' }, 'updates.steps: steps must be a list of strings'],
    [{ steps: ['ok', 3] }, 'updates.steps[1]: Invalid input: expected string, received number'],
  ])('validate the type of each update: %j', async (updates, message) => {
    const { createPlan: create, updatePlan: update } = createPlanningTools();
    await create.run({ goal: 'Ship' });
    await expect(update.run({ plan_id: 'plan_1', updates })).rejects.toThrow(message);
  });

  it('reject updates that are not an object', async () => {
    const { updatePlan: update } = createPlanningTools();
    await expect(update.run({ plan_id: 'plan_1', updates: 'status=done' })).rejects.toThrow(
      'updates: updates must be an object with some of: goal, context, steps, status',
    );
  });

  it('name the unknown id, and the plans that do exist', async () => {
    const { createPlan: create, updatePlan: update, getPlan: get } = createPlanningTools();
    const missing = get.run({ plan_id: 'plan_9' });
    await expect(missing).rejects.toBeInstanceOf(ToolExecutionError);
    await expect(missing).rejects.toThrow(
      "Plan with id 'plan_9' not found; there are no plans yet: create one with create_plan.",
    );
    await create.run({ goal: 'Ship' });
    await expect(update.run({ plan_id: 'plan_7', updates: { status: 'done' } })).rejects.toThrow(
      "Plan with id 'plan_7' not found; the plans are 'plan_1'.",
    );
  });

  it('validate create_plan arguments', async () => {
    const { createPlan: create } = createPlanningTools();
    await expect(create.run({})).rejects.toThrow("Invalid arguments for tool 'create_plan': goal: Invalid input");
    await expect(create.run({ goal: 'Ship', steps: [1] })).rejects.toThrow('steps[0]');
  });

  it('describe update_plan for the model with the allowed keys', () => {
    const updates = (
      updatePlan.jsonSchema.properties as Record<string, { description?: string; additionalProperties?: unknown }>
    ).updates;
    expect(updates?.description).toBe('The fields to change; allowed keys: goal, context, steps, status.');
    expect(updates?.additionalProperties).toBe(false);
  });
});

describe('plan copies', () => {
  it('keep stored plans safe from changes to what the tools and the store return', () => {
    const store = createPlanStore();
    const steps = ['build'];
    const created = store.create({ goal: 'Ship', steps });
    steps.push('changed after create');
    created.steps.push('changed through the result');
    created.goal = 'changed through the result';
    store.get('plan_1').steps.push('changed through get');
    store.list()[0]!.status = 'changed through list';
    expect(store.get('plan_1')).toEqual({
      id: 'plan_1',
      goal: 'Ship',
      context: '',
      steps: ['build'],
      status: 'created',
    });
  });

  it('let the tools execute directly without sharing state with the caller', () => {
    const store = createPlanStore();
    const { createPlan: create, getPlan: get } = createPlanningTools({ store });
    const context = { signal: new AbortController().signal, run: createRunScope() };
    const plan = create.execute({ goal: 'Ship', steps: ['build'] }, context);
    plan.steps.length = 0;
    expect(get.execute({ plan_id: plan.id }, context).steps).toEqual(['build']);
  });
});

describe('plan stores', () => {
  it('keep the ready-made tools’ plans per run: two runs never see each other’s plans', async () => {
    const first = createRunScope('first');
    const second = createRunScope('second');
    await createPlan.run({ goal: 'Plan of the first run' }, { run: first });
    await createPlan.run({ goal: 'Plan of the second run' }, { run: second });
    await updatePlan.run({ plan_id: 'plan_1', updates: { status: 'done' } }, { run: first });
    expect(await runJson(getPlan.run({ plan_id: 'plan_1' }, { run: first }))).toMatchObject({
      goal: 'Plan of the first run',
      status: 'done',
    });
    expect(await runJson(getPlan.run({ plan_id: 'plan_1' }, { run: second }))).toMatchObject({
      goal: 'Plan of the second run',
      status: 'created',
    });
    await expect(getPlan.run({ plan_id: 'plan_2' }, { run: first })).rejects.toThrow("'plan_2' not found");
    expect(
      getPlanStore(first)
        .list()
        .map((plan) => plan.goal),
    ).toEqual(['Plan of the first run']);
  });

  it('start empty for a call made outside any run', async () => {
    await createPlan.run({ goal: 'Orphan' });
    await expect(getPlan.run({ plan_id: 'plan_1' })).rejects.toThrow('there are no plans yet');
  });

  it('share one store between tool sets when given, and keep separate sets apart otherwise', async () => {
    const store = createPlanStore();
    const planner = createPlanningTools({ store });
    const reviewer = createPlanningTools({ store });
    const loner = createPlanningTools();
    await planner.createPlan.run({ goal: 'Shared' });
    expect(await runJson(reviewer.getPlan.run({ plan_id: 'plan_1' }))).toMatchObject({ goal: 'Shared' });
    await expect(loner.getPlan.run({ plan_id: 'plan_1' })).rejects.toThrow('not found');
    // A store given to the factory ignores the run: the same plans in every run.
    expect(await runJson(reviewer.getPlan.run({ plan_id: 'plan_1' }, { run: createRunScope() }))).toMatchObject({
      goal: 'Shared',
    });
  });

  it('are refused at creation when the options are not what createPlanningTools takes', () => {
    const store = createPlanStore();
    const refused = (options: unknown, message: string): void => {
      const attempt = (): unknown => createPlanningTools(options as never);
      expect(attempt).toThrow(ConfigurationError);
      expect(attempt).toThrow(message);
    };
    refused({ stor: store }, "createPlanningTools: unknown option 'stor'. Did you mean 'store'?");
    // The store itself where its options belong: its plans would have gone to a private store.
    refused(store, 'createPlanningTools takes an options object such as { store }');
    refused({ store: {} }, 'createPlanningTools: store must be a PlanStore, with create, update, get and list');
    refused('plans', 'createPlanningTools takes an options object such as { store }');
  });
});
