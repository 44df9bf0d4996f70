import { Router, type Response } from 'express';
import { type Cluster, type Redis } from 'ioredis';
import { renderTenantsPage, TENANTS_PAGE_CSP } from './tenants-page';
import { tenantsSnapshot, type TenantsSnapshot } from './tenants-snapshot';

export interface TenantsRouterOptions {
  /** The dashboard's connection, borrowed and never closed here. */
  redis: Redis | Cluster;
  prefix: string;
  /** Edit queues whose tenants are shown. */
  queues: readonly string[];
  /** Where the board is mounted, already normalised (`/` or `/path`). */
  basePath: string;
}

/** The tenants page's paths under `basePath`. */
export function tenantsPaths(basePath: string): { html: string; json: string; board: string } {
  const base = basePath === '/' ? '' : basePath;
  return { html: `${base}/tenants`, json: `${base}/tenants.json`, board: `${base}/` };
}

/**
 * `GET <basePath>/tenants` (HTML) and `GET <basePath>/tenants.json`: each tenant's backlog and
 * rate. Mounted after the credential check, so any role may read them.
 */
export function tenantsRouter(options: TenantsRouterOptions): Router {
  const paths = tenantsPaths(options.basePath);
  const router = Router();

  const read = async (res: Response): Promise<TenantsSnapshot | undefined> => {
    res.set('Cache-Control', 'no-store');
    try {
      return await tenantsSnapshot(options.redis, options);
    } catch {
      // Redis's own error text stays out of the reply; the board's views fail the same way.
      res.status(503).json({
        error: 'unavailable',
        message: 'tenant backlog and usage could not be read from Redis',
      });
      return undefined;
    }
  };

  router.get(paths.json, async (_req, res) => {
    const snapshot = await read(res);
    if (snapshot) res.json(snapshot);
  });
  router.get(paths.html, async (_req, res) => {
    const snapshot = await read(res);
    if (!snapshot) return;
    res
      .set('Content-Security-Policy', TENANTS_PAGE_CSP)
      .type('html')
      .send(renderTenantsPage(snapshot, { board: paths.board, json: paths.json }));
  });
  return router;
}
