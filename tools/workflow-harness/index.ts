export {
  runWorkflow,
  type HarnessOptions,
  type JobResult,
  type Trigger,
  type WorkflowResult,
} from './workflow.js';
export { CacheStore, standIns, StandInFailure, type StandIn, type StandInContext } from './stand-ins.js';
export type { StepResult } from './steps.js';
export { loadWorkflow, loadAction, tokenAt } from './files.js';
export { evaluate, evaluateToken, type Value } from './expressions.js';
