import { generateSecret } from '@darkroom/callbacks';
import { ConfigError } from '@darkroom/config';
import { parseWorkerConfig } from '../src/config';

const account = { ADOBE_CLIENT_ID: 'darkroom-test', ADOBE_CLIENT_SECRET: 'test-secret-value' };

/** The configuration error's text and issues for an environment, or undefined. */
function refusal(env: Record<string, string>): ConfigError | undefined {
  try {
    parseWorkerConfig({ ...account, ...env });
    return undefined;
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
}

describe('parseWorkerConfig: callbacks', () => {
  it('defaults to no secrets, no allow-list, no tenant defaults and the callbacks queue', () => {
    expect(parseWorkerConfig(account).callbacks).toEqual({
      queueName: 'callbacks',
      secrets: [],
      allow: [],
      defaults: {},
      concurrency: 10,
      retry: { baseDelayMs: 5_000, maxAgeMs: 86_400_000 },
    });
  });

  it('reads a rotation of two secrets, the allow-list, tenant defaults and the retry knobs', () => {
    const [a, b] = [generateSecret(), generateSecret()];
    const config = parseWorkerConfig({
      ...account,
      DARKROOM_CALLBACK_SECRETS: `${a}, ${b}`,
      DARKROOM_CALLBACK_ALLOW: 'localhost:4000, 127.0.0.1',
      DARKROOM_CALLBACK_DEFAULTS:
        '{"shop-1":"https://shop.example.com/hooks","dev":"http://localhost:4000/h"}',
      DARKROOM_CALLBACK_MAX_ATTEMPTS: '3',
      DARKROOM_CALLBACK_RETRY_BASE_MS: '100',
    }).callbacks;
    expect(config.secrets).toEqual([a, b]);
    expect(config.allow).toEqual(['localhost:4000', '127.0.0.1']);
    expect(config.defaults).toEqual({
      'shop-1': 'https://shop.example.com/hooks',
      dev: 'http://localhost:4000/h',
    });
    expect(config.retry).toEqual({ baseDelayMs: 100, maxAgeMs: 86_400_000, maxAttempts: 3 });
  });

  it('refuses a bad secret by its place and rule, never showing it', () => {
    const good = generateSecret();
    const err = refusal({ DARKROOM_CALLBACK_SECRETS: `${good},whsec_c2hvcnQ=` });
    expect(err?.issues).toEqual([
      {
        variable: 'DARKROOM_CALLBACK_SECRETS',
        rule: expect.stringContaining('secrets[1]') as string,
      },
    ]);
    expect(err?.message).not.toContain(good);
    expect(err?.message).not.toContain('c2hvcnQ');
  });

  it('refuses tenant defaults that are not a JSON object of URLs the intake rules accept', () => {
    const variable = 'DARKROOM_CALLBACK_DEFAULTS';
    expect(refusal({ [variable]: '[1]' })?.issues).toEqual([
      { variable, rule: 'must be a JSON object of tenant → callback URL' },
    ]);
    expect(refusal({ [variable]: '{"shop":"http://shop.example.com/h"}' })?.issues).toEqual([
      { variable, rule: expect.stringMatching(/^shop: .*https.*\[https\]$/) as string },
    ]);
  });
});
