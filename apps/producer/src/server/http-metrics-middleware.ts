import type { Request, RequestHandler } from 'express';
import { UNMATCHED_ROUTE, type HttpMetrics } from '@darkroom/observability';

/**
 * The route pattern a request matched (`/v1/edits/:id`, the escapes of `\\:batch` dropped), or
 * `unmatched` when none did: an unknown path, or a request refused before routing (401).
 */
export function routeLabelOf(req: Request): string {
  // express types `req.route` as any; read it as what it may be.
  const route: unknown = (req as { route?: unknown }).route;
  const path: unknown =
    typeof route === 'object' && route !== null && 'path' in route ? route.path : undefined;
  if (typeof path !== 'string') return UNMATCHED_ROUTE;
  return `${req.baseUrl}${path}`.replace(/\\/g, '');
}

/**
 * Counts every request once its response ends (or its connection closes first), by route
 * pattern, method and status, and times it; never the raw path, so the labels stay bounded.
 */
export function httpMetricsMiddleware(metrics: HttpMetrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    let counted = false;
    const count = (): void => {
      if (counted) return;
      counted = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.request(routeLabelOf(req), req.method, res.statusCode, seconds);
    };
    res.once('finish', count);
    res.once('close', count);
    next();
  };
}
