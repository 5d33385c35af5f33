export { createPlanningTools, createPlan, updatePlan, getPlan } from './planning-tools.ts';
export type {
  PlanningTools,
  PlanningToolsOptions,
  CreatePlanArguments,
  UpdatePlanArguments,
  GetPlanArguments,
} from './planning-tools.ts';
export { createPlanStore, getPlanStore, PlanNotFoundError } from './plan-store.ts';
export type { Plan, NewPlan, PlanUpdate, PlanStore } from './plan-store.ts';
