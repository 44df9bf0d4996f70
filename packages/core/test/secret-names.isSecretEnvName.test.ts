import { isSecretEnvName, isSecretName } from '../src';

describe('isSecretEnvName', () => {
  it.each([
    'ADOBE_CLIENT_SECRET',
    'DASHBOARD_PASSWORD',
    'DROPBOX_REFRESH_TOKEN',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_ACCESS_KEY_ID',
    'GOOGLE_APPLICATION_CREDENTIALS',
    'AZURE_SAS',
    'AZURE_STORAGE_CONNECTION_STRING',
    'producer_api_key',
  ])('treats %s as a secret wherever the word sits', (name) => {
    expect(isSecretEnvName(name)).toBe(true);
  });

  it.each(['PORT', 'REDIS_URL', 'LOG_LEVEL', 'ADOBE_CLIENT_ID', 'S3_BUCKET'])(
    'shows %s',
    (name) => {
      expect(isSecretEnvName(name)).toBe(false);
    },
  );

  it('matches names that the anchored field-name rule lets through', () => {
    expect(isSecretName('ADOBE_CLIENT_SECRET')).toBe(false);
    expect(isSecretEnvName('ADOBE_CLIENT_SECRET')).toBe(true);
  });
});
