/**
 * Kept only so that src/daemon/steps-plan.ts keeps compiling until it imports
 * `historyFromRecords` from './rollout-history.js' (the integrator's one-line change); then
 * delete this file. The stand-in observation step that lived here is gone: `apply` plans with
 * the plan command's readPlanInput.
 */
export { historyFromRecords } from './rollout-history.js';
