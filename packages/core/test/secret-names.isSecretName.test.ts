import { isSecretName } from '../src';

describe('isSecretName', () => {
  it.each([
    'authorization',
    'Proxy-Authorization',
    'cookie',
    'set-cookie',
    'password',
    'passwd',
    'secret',
    'clientSecret',
    'client_secret',
    'client-secret',
    'token',
    'accessToken',
    'access_token',
    'refresh-token',
    'idToken',
    'sasToken',
    'sessionToken',
    'apiKey',
    'api_key',
    'x-api-key',
    'sig',
    'Signature',
    'X-Amz-Signature',
    'x-amz-credential',
    'X-Amz-Security-Token',
    'connectionString',
    'connection_string',
    'accountKey',
    'private-key',
  ])('treats %s as a secret', (name) => {
    expect(isSecretName(name)).toBe(true);
  });

  it.each([
    'tokenCount',
    'passwordChangedAt',
    'keyframe',
    'key',
    'signedHeaders',
    'ADOBE_CLIENT_SECRET',
    'statusUrl',
    'ref',
    '',
  ])('shows %s: only a whole secret name matches', (name) => {
    expect(isSecretName(name)).toBe(false);
  });
});
