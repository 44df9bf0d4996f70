import { ConfigError } from '@darkroom/config';
import {
  defaultDrainTimeoutMs,
  DRAIN_MARGIN_MS,
  parseWorkerConfig,
  STORAGE_CHECK_MS,
} from '../src/config';

const account = { ADOBE_CLIENT_ID: 'darkroom-test', ADOBE_CLIENT_SECRET: 'test-secret-value' };

/** The issues a configuration is refused with, or none. */
function issuesOf(env: Record<string, string>): { variable: string; rule: string }[] {
  try {
    parseWorkerConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
}

describe('parseWorkerConfig: the drain deadline', () => {
  it('defaults to the API timeout plus the storage check and a margin', () => {
    const config = parseWorkerConfig(account);
    expect(config.apiTimeoutMs).toBe(30_000);
    expect(config.drainTimeoutMs).toBe(30_000 + STORAGE_CHECK_MS + DRAIN_MARGIN_MS);
    expect(DRAIN_MARGIN_MS).toBeGreaterThanOrEqual(10_000);
  });

  it('follows a configured API timeout', () => {
    const config = parseWorkerConfig({ ...account, API_TIMEOUT_MS: '5000' });
    expect(config.drainTimeoutMs).toBe(defaultDrainTimeoutMs(5_000));
    expect(config.drainTimeoutMs).toBeGreaterThan(5_000);
  });

  it('takes an explicit deadline at or above the API timeout', () => {
    expect(
      parseWorkerConfig({ ...account, API_TIMEOUT_MS: '5000', WORKER_DRAIN_TIMEOUT_MS: '5000' })
        .drainTimeoutMs,
    ).toBe(5_000);
    expect(parseWorkerConfig({ ...account, WORKER_DRAIN_TIMEOUT_MS: '90000' }).drainTimeoutMs).toBe(
      90_000,
    );
  });

  it.each([
    ['below the default API timeout', { WORKER_DRAIN_TIMEOUT_MS: '20000' }, '20000 < 30000'],
    [
      'below a configured API timeout',
      { WORKER_DRAIN_TIMEOUT_MS: '4999', API_TIMEOUT_MS: '5000' },
      '4999 < 5000',
    ],
  ])('refuses a deadline %s, naming both variables', (_case, env, numbers) => {
    expect(issuesOf({ ...account, ...env })).toEqual([
      {
        variable: 'WORKER_DRAIN_TIMEOUT_MS',
        rule: expect.stringContaining(`must be at least API_TIMEOUT_MS (${numbers})`) as string,
      },
    ]);
  });
});

describe('parseWorkerConfig: the lock duration', () => {
  it("is BullMQ's 30 s unless WORKER_LOCK_DURATION_MS sets it", () => {
    expect(parseWorkerConfig(account).lockDurationMs).toBe(30_000);
    expect(parseWorkerConfig({ ...account, WORKER_LOCK_DURATION_MS: '5000' }).lockDurationMs).toBe(
      5_000,
    );
  });

  it.each(['999', '600001', 'soon'])('refuses WORKER_LOCK_DURATION_MS=%s, naming it', (value) => {
    expect(issuesOf({ ...account, WORKER_LOCK_DURATION_MS: value }).map((i) => i.variable)).toEqual(
      ['WORKER_LOCK_DURATION_MS'],
    );
  });
});
