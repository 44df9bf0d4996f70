export { startLocalStack } from './local-stack';
export type { LocalStack, StackLogs } from './local-stack';
export { mainJobEdits, runMainJob, uploadSamples } from './main-job';
export type { EditOutcome, MainJobEdit, MainJobLocations } from './main-job';
export {
  DEMO_HEADLINES,
  DEMO_PRODUCTS,
  mainJobRuns,
  recipeInputs,
  runMainJobRecipes,
} from './main-job-recipes';
export type { MainJobRun, RunOutcome } from './main-job-recipes';
export { startProducerProcess } from './producer-process';
export type { ProducerProcess, ProducerProcessOptions } from './producer-process';
export { exportLines, shellQuote, stackEnvironment } from './stack-environment';
export {
  bannerPsd,
  landscapeJpeg,
  posterPsd,
  PRODUCT_CARD,
  productCardPsd,
  productJpeg,
  productPng,
  type ProductLook,
} from './samples';
