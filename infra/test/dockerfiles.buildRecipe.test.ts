import { readFileSync } from 'node:fs';
import path from 'node:path';
import { APP_PACKAGES, APPS, repoRoot, type AppName } from './support/paths';

// Each app has its own Dockerfile, and Docker has no include: the build and runtime stages are
// written out four times. This keeps the four from drifting apart: a change to the recipe (a
// Node image, a pnpm flag, tini, the user) fails here until every app's file carries it.

const dockerfile = (app: AppName): string =>
  readFileSync(path.join(repoRoot, 'apps', app, 'Dockerfile'), 'utf8');

/** From the base image argument to the switch to the unprivileged user, with the app's name generic. */
function recipe(app: AppName): string {
  const text = dockerfile(app);
  const start = text.indexOf('ARG NODE_IMAGE=');
  const end = text.indexOf('USER node');
  expect({ app, start: start >= 0, end: end > start }).toEqual({ app, start: true, end: true });
  return text.slice(start, end).replaceAll(`${APP_PACKAGES[app]} `, '@darkroom/<app> ');
}

describe('the app Dockerfiles', () => {
  it.each(APPS.filter((app) => app !== 'worker'))(
    '%s is built and run exactly as the worker is, but for its own package',
    (app) => {
      expect(recipe(app)).toBe(recipe('worker'));
    },
  );

  it.each([...APPS])('%s deploys its own package and nothing else', (app) => {
    const filters = [...dockerfile(app).matchAll(/pnpm deploy .*--filter (\S+)/g)].map((m) => m[1]);
    expect(filters).toEqual([APP_PACKAGES[app]]);
  });
});
