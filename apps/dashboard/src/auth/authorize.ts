import { type RequestHandler } from 'express';
import { type Role } from './auth-config';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Only the admin role may change anything. Bull Board's read-only flag is fixed per queue
 * adapter, not per request, so this check sits in front of the board: a viewer's retry,
 * remove, promote, clean or pause answers 403 before it reaches Bull Board.
 */
export function adminForWrites(): RequestHandler {
  return (req, res, next) => {
    const role = res.locals.role as Role | undefined;
    if (SAFE_METHODS.has(req.method) || role === 'admin') {
      next();
      return;
    }
    res.status(403).json({ error: 'forbidden', message: 'this action needs the admin role' });
  };
}
