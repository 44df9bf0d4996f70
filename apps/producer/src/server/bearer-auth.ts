import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ApiError } from './api-error';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Accepts `Authorization: Bearer <token>` when the token is one of `tokens`. Both sides are
 * hashed first so every comparison runs over 32 bytes in constant time, whatever the lengths,
 * and every configured token is compared (no early exit that would time which one matched).
 */
export function bearerAuth(tokens: readonly string[]): RequestHandler {
  const expected = tokens.filter((t) => t.length > 0).map(digest);
  return (req, res, next) => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    let ok = false;
    if (match?.[1]) {
      const given = digest(match[1]);
      for (const candidate of expected) {
        if (timingSafeEqual(given, candidate)) ok = true;
      }
    }
    if (ok) {
      next();
      return;
    }
    res.setHeader('WWW-Authenticate', 'Bearer realm="darkroom"');
    next(
      new ApiError(
        401,
        'unauthorized',
        match ? 'the bearer token is not accepted' : 'send Authorization: Bearer <token>',
      ),
    );
  };
}
