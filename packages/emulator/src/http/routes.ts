import { operations, type StatusFamily } from '@darkroom/photoshop';
import { admin } from '../handlers/admin';
import { eventJournal, eventKey, JOURNAL_PATH } from '../handlers/events';
import { hello } from '../handlers/hello';
import { hostedFile } from '../handlers/hosted';
import { imsToken } from '../handlers/ims';
import { metricsText } from '../handlers/metrics';
import { statusHandler } from '../handlers/status';
import { submitHandler } from '../handlers/submit';
import { EVENT_KEYS_PREFIX } from '../events/signing-keys';
import { type ApiGeneration } from './error-bodies';
import { type RouteHandler } from './route-handler';

/** One line of the route table. */
export interface Route {
  method: 'GET' | 'POST';
  /** An exact path, or a prefix followed by `*` (the rest reaches the handler as `tail`). */
  pattern: string;
  handle: RouteHandler;
}

const STATUS_PATHS: Array<[string, StatusFamily]> = [
  ['/pie/psdService/status/*', 'photoshop'],
  ['/sensei/status/*', 'sensei'],
  ['/lrService/status/*', 'lightroom'],
  ['/v2/status/*', 'v2'],
  ['/v1/status/*', 'masking'],
];

/**
 * Every path the emulator answers. The first line that matches wins; a request no line matches
 * gets the generation's 404.
 */
export const routes: readonly Route[] = [
  ...Object.values(operations).map((op): Route => ({
    method: 'POST',
    pattern: op.path,
    handle: submitHandler(op),
  })),
  { method: 'POST', pattern: '/ims/token/v3', handle: imsToken },
  { method: 'POST', pattern: '/admin/*', handle: admin },
  ...STATUS_PATHS.map(([pattern, family]): Route => ({
    method: 'GET',
    pattern,
    handle: statusHandler(family),
  })),
  { method: 'GET', pattern: '/pie/psdService/hello', handle: hello },
  { method: 'GET', pattern: '/hosted/*', handle: hostedFile },
  { method: 'GET', pattern: '/metrics', handle: metricsText },
  { method: 'GET', pattern: JOURNAL_PATH, handle: eventJournal },
  { method: 'GET', pattern: `${EVENT_KEYS_PREFIX}*`, handle: eventKey },
  { method: 'GET', pattern: '/admin/*', handle: admin },
];

/** The route a request goes to, with what follows a prefix pattern's `*`. */
export function matchRoute(
  method: string,
  path: string,
): { handle: RouteHandler; tail: string } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    if (route.pattern.endsWith('*')) {
      const prefix = route.pattern.slice(0, -1);
      if (path.startsWith(prefix)) return { handle: route.handle, tail: path.slice(prefix.length) };
    } else if (path === route.pattern) {
      return { handle: route.handle, tail: '' };
    }
  }
  return undefined;
}

/** Which error shape a path's errors take when no handler has decided it (404, 500). */
export function generationOfPath(path: string): ApiGeneration {
  return path.startsWith('/v2/') || path === '/v1/auto-crop' ? 'v2' : 'v1';
}
