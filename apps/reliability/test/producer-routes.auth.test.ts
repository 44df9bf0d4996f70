import type { AddressInfo } from 'node:net';
import { createServer as createHttpServer, type Server } from 'node:http';
import { Registry } from 'prom-client';
import { EditQueue } from '@darkroom/jobs';
import { createLogger } from '@darkroom/observability';
import { createServer } from '@darkroom/producer';
import { guardAgainstLeaks, redisUrl, uniqueName } from '@darkroom/testing';

guardAgainstLeaks();

/**
 * Routes meant for probes and API tooling (the OpenAPI document describes, it does not act);
 * everything else needs a bearer token. `/metrics` is served on a port of its own.
 */
const PUBLIC = ['GET /healthz', 'GET /readyz', 'GET /openapi.json'];

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every method and path the app's routers declare, sub-routers included. */
function routesOf(stack: readonly Layer[]): string[] {
  const found: string[] = [];
  for (const layer of stack) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      for (const path of paths) {
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (on && method !== '_all') found.push(`${method.toUpperCase()} ${path}`);
        }
      }
    } else if (layer.handle?.stack) {
      found.push(...routesOf(layer.handle.stack));
    }
  }
  return found;
}

describe('every producer route refuses a request without credentials', () => {
  let edits: EditQueue;
  let server: Server;
  let routes: string[];
  let base: string;

  beforeAll(async () => {
    edits = new EditQueue({ connection: redisUrl(), queueName: uniqueName('auth') });
    const app = createServer({
      edits,
      tokens: ['the-only-token'],
      logger: createLogger({ level: 'silent' }),
      register: new Registry(),
    });
    routes = routesOf((app as unknown as { router: { stack: Layer[] } }).router.stack);
    server = createHttpServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await edits.queue.obliterate({ force: true });
    await edits.close();
  });

  it('finds the routes by walking the routers (so a new route is covered without editing this test)', () => {
    expect(routes).toEqual(expect.arrayContaining(['POST /v1/edits', 'GET /openapi.json']));
    expect(routes.length).toBeGreaterThanOrEqual(7);
  });

  it('answers 401 on every non-public route, with no token, a wrong token or a malformed header', async () => {
    const checked: string[] = [];
    for (const route of routes) {
      if (PUBLIC.includes(route)) continue;
      const [method, path] = route.split(' ') as [string, string];
      // Route patterns become concrete paths: every parameter gets a plausible value.
      const concrete = path
        .replace(/\\/g, '')
        .replace(/:(\w+)/g, 'job-1')
        .replace(/\*\w*/g, 'x');
      for (const authorization of [
        undefined,
        'Bearer wrong-token',
        'Basic dXNlcjpwYXNz',
        'Bearer',
      ]) {
        const res = await fetch(`${base}${concrete}`, {
          method,
          headers: {
            'content-type': 'application/json',
            ...(authorization ? { authorization } : {}),
          },
          ...(method === 'GET' || method === 'HEAD' ? {} : { body: '{}' }),
        });
        await res.arrayBuffer();
        expect({ route, authorization, status: res.status }).toEqual({
          route,
          authorization,
          status: 401,
        });
      }
      checked.push(route);
    }
    expect(checked.length).toBeGreaterThanOrEqual(5);
    expect(Object.values(await edits.counts()).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('leaves public only the probe routes and the OpenAPI document', () => {
    expect(routes.filter((r) => PUBLIC.includes(r)).sort()).toEqual([...PUBLIC].sort());
  });
});
