/**
 * Fixtures for other packages' tests of recipe runs: recipes to run, and real BullMQ workers
 * that carry runs through with a stand-in for Adobe.
 */
export { chainedBannerRecipe, fanOutRecipe } from './recipes';
export {
  completeEveryStep,
  startRunWorker,
  startRunWorkers,
  startStepWorker,
  type StepProcess,
} from './run-workers';
