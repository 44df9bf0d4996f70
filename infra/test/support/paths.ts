import path from 'node:path';

/** The repository root and the folders the deployment files live in. */
export const repoRoot = path.resolve(__dirname, '../../..');
export const infraDir = path.join(repoRoot, 'infra');
export const composeDir = path.join(infraDir, 'compose');
export const k8sDir = path.join(infraDir, 'k8s');

/** The apps that ship as container images. */
export const APPS = ['worker', 'producer', 'dashboard', 'emulator'] as const;
export type AppName = (typeof APPS)[number];
