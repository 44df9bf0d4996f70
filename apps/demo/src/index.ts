export { startLocalStack } from './local-stack';
export type { LocalStack } from './local-stack';
export { mainJobEdits, runMainJob, uploadSamples } from './main-job';
export type { EditOutcome, MainJobEdit, MainJobLocations } from './main-job';
export { posterPsd, landscapeJpeg, productPng } from './samples';
