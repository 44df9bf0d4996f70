import { z } from 'zod';
import { ConfigError, parseEnv, redactEnv } from '../src';

const schema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  REDIS_URL: z.string().url(),
});

describe('parseEnv', () => {
  it('coerces values and applies defaults', () => {
    expect(parseEnv(schema, { REDIS_URL: 'redis://localhost:6379' })).toEqual({
      PORT: 8080,
      REDIS_URL: 'redis://localhost:6379',
    });
  });

  it('names every bad variable and its rule', () => {
    let caught: unknown;
    try {
      parseEnv(schema, { PORT: '70000', REDIS_URL: 'not a url' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const variables = (caught as ConfigError).issues.map((i) => i.variable).sort();
    expect(variables).toEqual(['PORT', 'REDIS_URL']);
    expect((caught as ConfigError).message).toMatch(/PORT: .*65535/);
  });
});

describe('redactEnv', () => {
  it('hides secrets and URL passwords', () => {
    expect(
      redactEnv({
        ADOBE_CLIENT_SECRET: 's3cr3t',
        REDIS_URL: 'redis://user:hunter2@redis:6379',
        PORT: '1',
      }),
    ).toEqual({
      ADOBE_CLIENT_SECRET: '[redacted]',
      REDIS_URL: 'redis://user:[redacted]@redis:6379',
      PORT: '1',
    });
  });
});
