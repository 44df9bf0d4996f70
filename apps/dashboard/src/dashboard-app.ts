import express, { type Express, type RequestHandler } from 'express';
import { authenticate } from './auth/authenticate';
import { adminForWrites } from './auth/authorize';
import { type AuthConfig, type Role } from './auth/auth-config';

/**
 * The Express app in front of the boards: security headers, then the credential check, then
 * the role check for writes, then the pages of Darkroom's own (`pages`, read by any role), then
 * the board the caller's role allows under `basePath`.
 */
export function dashboardApp(
  auth: AuthConfig,
  basePath: string,
  boards: Record<Role, RequestHandler>,
  pages: readonly RequestHandler[] = [],
): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use((_req, res, next) => {
    // Job views are operational data: not to be framed by another site, cached by a proxy, or
    // leaked through a Referer header when an operator follows a link.
    res.set({
      'X-Frame-Options': 'DENY',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    });
    next();
  });
  app.use(authenticate(auth));
  app.use(adminForWrites());
  // Before the board, whose catch-all would otherwise answer these paths with its own page.
  for (const page of pages) app.use(page);
  app.use(basePath, (req, res, next) => {
    const role = res.locals.role as Role;
    boards[role](req, res, next);
  });
  return app;
}
