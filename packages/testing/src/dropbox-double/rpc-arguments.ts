import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DoubleState } from './double-state';
import { readBody, sendRpcError, sendText } from './http-replies';

/**
 * Checks an RPC call's bearer token and parses its JSON argument. When it cannot, it answers as
 * Dropbox does (400 in plain text for a malformed call, 401 for a bad token) and returns
 * undefined.
 */
export async function rpcArgument(
  state: DoubleState,
  route: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<Record<string, unknown> | undefined> {
  const body = await readBody(req);
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (bearer === undefined) {
    sendText(
      res,
      400,
      `Error in call to API function "${route}": no Bearer token in the Authorization header.`,
    );
    return undefined;
  }
  const expiresAt = state.accessTokens.get(bearer);
  if (expiresAt === undefined || expiresAt <= state.clock.now()) {
    state.counts.unauthorized += 1;
    sendRpcError(res, 401, [
      expiresAt === undefined ? 'invalid_access_token' : 'expired_access_token',
    ]);
    return undefined;
  }
  if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
    sendText(
      res,
      400,
      `Error in call to API function "${route}": Content-Type must be application/json.`,
    );
    return undefined;
  }
  const value = jsonObjectOf(body);
  if (value === undefined) {
    sendText(
      res,
      400,
      `Error in call to API function "${route}": request body is not a JSON object.`,
    );
  }
  return value;
}

/** Dropbox paths start with "/"; anything else is a malformed path. */
export function pathArgument(
  res: ServerResponse,
  value: unknown,
  route: string,
): string | undefined {
  if (typeof value !== 'string') {
    sendText(res, 400, `Error in call to API function "${route}": missing "path".`);
    return undefined;
  }
  if (!value.startsWith('/') || value.endsWith('/')) {
    sendRpcError(res, 409, ['path', 'malformed_path']);
    return undefined;
  }
  return value;
}

/** The body as a JSON object, or undefined for invalid JSON, arrays and scalars. */
function jsonObjectOf(body: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // not JSON: the caller answers
  }
  return undefined;
}
