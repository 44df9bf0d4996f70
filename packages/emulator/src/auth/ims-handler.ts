import { type IssueResult, type TokenStore } from './token-store';

export interface ImsReply {
  status: number;
  body: unknown;
}

/**
 * `POST /ims/token/v3` as Adobe IMS answers the OAuth server-to-server grant. The form fields
 * may come in the body (Adobe's documented way) or the query string (which IMS also accepts).
 */
export function handleImsToken(tokens: TokenStore, form: URLSearchParams): ImsReply {
  const grantType = form.get('grant_type');
  if (grantType !== 'client_credentials') {
    return {
      status: 400,
      body: {
        error: 'unsupported_grant_type',
        error_description: `grant_type must be client_credentials`,
      },
    };
  }
  const clientId = form.get('client_id');
  const clientSecret = form.get('client_secret');
  if (!clientId) {
    return {
      status: 400,
      body: { error: 'invalid_client', error_description: 'invalid client_id parameter' },
    };
  }
  const result: IssueResult = tokens.issue(clientId, clientSecret ?? '');
  if (!result.ok) {
    return {
      status: 400,
      body: {
        error: 'invalid_client',
        error_description: 'invalid client_id or client_secret parameter',
      },
    };
  }
  return {
    status: 200,
    body: {
      access_token: result.token.accessToken,
      token_type: 'bearer',
      expires_in: result.expiresIn,
    },
  };
}
