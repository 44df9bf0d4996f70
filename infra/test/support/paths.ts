import path from 'node:path';

/** The repository root and the folders the deployment files live in. */
export const repoRoot = path.resolve(__dirname, '../../..');
export const infraDir = path.join(repoRoot, 'infra');
export const composeDir = path.join(infraDir, 'compose');
export const k8sDir = path.join(infraDir, 'k8s');

/** The apps that ship as container images, by their folder under apps/. */
export const APPS = ['worker', 'producer', 'dashboard', 'emulator'] as const;
export type AppName = (typeof APPS)[number];

/**
 * Each app's package name, the one its Dockerfile deploys. The emulator's server is
 * `@darkroom/emulator-server`: `@darkroom/emulator` is the library it runs (packages/emulator).
 */
export const APP_PACKAGES: Record<AppName, string> = {
  worker: '@darkroom/worker',
  producer: '@darkroom/producer',
  dashboard: '@darkroom/dashboard',
  emulator: '@darkroom/emulator-server',
};
