import { type RequestHandler } from 'express';
import { type AuthConfig, type Role } from './auth-config';
import { safeEqual } from './safe-equal';

export const REALM = 'Darkroom';

function basicRole(header: string, config: Extract<AuthConfig, { mode: 'basic' }>): Role | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return null;
  const username = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  let role: Role | null = null;
  // Every user is compared, without stopping at the first match, so the time taken does not
  // say which user names exist.
  for (const user of config.users) {
    const nameOk = safeEqual(username, user.username);
    const passwordOk = safeEqual(password, user.password);
    if (nameOk && passwordOk && role === null) role = user.role;
  }
  return role;
}

function bearerRole(header: string, config: Extract<AuthConfig, { mode: 'bearer' }>): Role | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) return null;
  let role: Role | null = null;
  for (const entry of config.tokens) {
    if (safeEqual(match[1], entry.token) && role === null) role = entry.role;
  }
  return role;
}

/** The role the request's credentials grant, or null when they grant none. */
export function roleFor(authorization: string | undefined, config: AuthConfig): Role | null {
  if (authorization === undefined) return null;
  return config.mode === 'basic'
    ? basicRole(authorization, config)
    : bearerRole(authorization, config);
}

/**
 * Lets a request through only with valid credentials and records its role in `res.locals.role`.
 * Everything else answers 401 with a challenge, so a browser shows its login prompt.
 */
export function authenticate(config: AuthConfig): RequestHandler {
  const challenge = config.mode === 'basic' ? `Basic realm="${REALM}"` : `Bearer realm="${REALM}"`;
  return (req, res, next) => {
    const role = roleFor(req.headers.authorization, config);
    if (role === null) {
      res
        .status(401)
        .set('WWW-Authenticate', challenge)
        .set('Cache-Control', 'no-store')
        .json({ error: 'unauthorized', message: 'credentials are required' });
      return;
    }
    res.locals.role = role;
    next();
  };
}
