import { DEFAULT_CLIENT, EmulatorOptionsError, parseEmulatorArgs, resolveOptions } from '../src';

describe('parseEmulatorArgs', () => {
  it('reads flags', () => {
    expect(
      parseEmulatorArgs([
        '--',
        '--port',
        '7070',
        '--time-factor',
        '0.1',
        '--processing',
        'placeholder',
        '--no-rate-limits',
        '--client',
        'a:b',
        '--client',
        'c:d:e',
        '--faults',
        '{"submit":{"errorRate":0.1}}',
      ]),
    ).toEqual({
      port: 7070,
      timeFactor: 0.1,
      processing: 'placeholder',
      limits: false,
      clients: [
        { clientId: 'a', clientSecret: 'b' },
        { clientId: 'c', clientSecret: 'd:e' },
      ],
      faults: { submit: { errorRate: 0.1 } },
    });
  });

  it('falls back to the environment, flags winning', () => {
    expect(
      parseEmulatorArgs(['--port', '1'], {
        EMULATOR_PORT: '2',
        EMULATOR_HOST: '0.0.0.0',
        EMULATOR_SEED: '9',
        EMULATOR_SCALE_RATE_LIMITS: '1',
        EMULATOR_LOG_REQUESTS: '1',
      }),
    ).toEqual({ port: 1, host: '0.0.0.0', seed: 9, scaleRateLimits: true, logRequests: true });
  });

  it('puts clients in organizations, the default client when none is listed', () => {
    expect(
      parseEmulatorArgs(['--client', 'a:b', '--client', 'c:d', '--client-org', 'a=org=1@AdobeOrg']),
    ).toEqual({
      clients: [
        { clientId: 'a', clientSecret: 'b', orgId: 'org=1@AdobeOrg' },
        { clientId: 'c', clientSecret: 'd' },
      ],
    });
    expect(parseEmulatorArgs([], { EMULATOR_CLIENT_ORGS: 'darkroom-dev=o@AdobeOrg' })).toEqual({
      clients: [{ ...DEFAULT_CLIENT, orgId: 'o@AdobeOrg' }],
    });
    expect(() => parseEmulatorArgs(['--client-org', 'nobody=o'])).toThrow(
      new EmulatorOptionsError('client-org names client "nobody", which is not a client'),
    );
    expect(() => parseEmulatorArgs(['--client-org', 'a='])).toThrow(
      /client-org must look like <clientId>=<orgId>/,
    );
  });

  it('reads event webhooks from --events-webhook (repeatable) or EMULATOR_EVENTS_WEBHOOK', () => {
    expect(
      parseEmulatorArgs(['--events-webhook', 'http://a/hook', '--events-webhook', 'https://b/h']),
    ).toEqual({ events: { webhookUrl: ['http://a/hook', 'https://b/h'] } });
    expect(
      parseEmulatorArgs([], { EMULATOR_EVENTS_WEBHOOK: 'http://a/hook,http://c/hook?t=1' }),
    ).toEqual({ events: { webhookUrl: ['http://a/hook', 'http://c/hook?t=1'] } });
    expect(() => parseEmulatorArgs(['--events-webhook', 'ftp://a/hook'])).toThrow(
      new EmulatorOptionsError('events.webhookUrl[0] must use http or https, got ftp:'),
    );
  });

  it('checks event options when the emulator resolves them', () => {
    expect(resolveOptions({}).events).toEqual({
      webhookUrls: [],
      deliveryTimeoutMs: 10_000,
      retryBaseMs: 1000,
      retryMaxMs: 3_600_000,
      maxAttempts: 36,
      journalSize: 10_000,
    });
    expect(() => resolveOptions({ events: { maxAttempts: 0 } })).toThrow(
      new EmulatorOptionsError('events.maxAttempts must be an integer >= 1, got 0'),
    );
    expect(() => resolveOptions({ events: { webhookUrl: 'not a url' } })).toThrow(
      new EmulatorOptionsError('events.webhookUrl must be an absolute http or https URL'),
    );
  });

  it('names the bad option', () => {
    expect(() => parseEmulatorArgs(['--time-factor', 'fast'])).toThrow(
      new EmulatorOptionsError('time-factor must be a number, got "fast"'),
    );
    expect(() => parseEmulatorArgs(['--faults', '{"submit":{"errorRate":3}}'])).toThrow(
      /faults: submit.errorRate/,
    );
    expect(() => parseEmulatorArgs(['--processing', 'fake'])).toThrow(/processing/);
  });
});
