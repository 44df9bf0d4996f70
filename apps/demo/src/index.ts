export { startLocalStack } from './local-stack';
export type { LocalStack, StackLogs } from './local-stack';
export { mainJobEdits, runMainJob, uploadSamples } from './main-job';
export type { EditOutcome, MainJobEdit, MainJobLocations } from './main-job';
export { startProducerProcess } from './producer-process';
export type { ProducerProcess, ProducerProcessOptions } from './producer-process';
export { exportLines, shellQuote, stackEnvironment } from './stack-environment';
export { posterPsd, landscapeJpeg, productPng } from './samples';
