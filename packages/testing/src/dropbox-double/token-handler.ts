import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomSecret, type DoubleState } from './double-state';
import { readBody, sendJson } from './http-replies';

/**
 * `POST /oauth2/token`: the refresh-token grant, the only one Darkroom uses. Every refusal is a
 * 400 with an OAuth error code, as Dropbox answers.
 */
export async function handleToken(
  state: DoubleState,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  state.counts.token += 1;
  const form = new URLSearchParams((await readBody(req)).toString('utf8'));
  const client = clientCredentialsOf(req, form);
  if (form.get('grant_type') !== 'refresh_token') {
    sendJson(res, 400, {
      error: 'unsupported_grant_type',
      error_description: 'only refresh_token is served here',
    });
    return;
  }
  if (client.id !== state.appKey || client.secret !== state.appSecret) {
    sendJson(res, 400, {
      error: 'invalid_client',
      error_description: 'unknown app key or wrong secret',
    });
    return;
  }
  if (form.get('refresh_token') !== state.refreshToken) {
    sendJson(res, 400, {
      error: 'invalid_grant',
      error_description: 'refresh token is not valid',
    });
    return;
  }
  const accessToken = randomSecret('sl.');
  state.accessTokens.set(accessToken, state.clock.now() + state.accessTokenTtlSeconds * 1000);
  sendJson(res, 200, {
    access_token: accessToken,
    token_type: 'bearer',
    expires_in: state.accessTokenTtlSeconds,
  });
}

/** The app key and secret, from the form or, taking precedence, from HTTP Basic auth. */
function clientCredentialsOf(
  req: IncomingMessage,
  form: URLSearchParams,
): { id: string | null; secret: string | null } {
  const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
  if (basic?.[1]) {
    const [id, secret] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
    return { id: id ?? null, secret: secret ?? null };
  }
  return { id: form.get('client_id'), secret: form.get('client_secret') };
}
