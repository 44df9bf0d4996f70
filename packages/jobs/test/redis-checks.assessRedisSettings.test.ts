import {
  assertRedisUsable,
  assessRedisSettings,
  RedisMisconfiguredError,
  type RedisSettings,
} from '../src';

const healthy: RedisSettings = {
  maxmemoryPolicy: 'noeviction',
  aofEnabled: true,
  rdbEnabled: false,
  version: '7.2.4',
};

describe('assessRedisSettings', () => {
  it('reports policy and persistence as ok on a healthy Redis, and no version finding', () => {
    expect(assessRedisSettings(healthy)).toEqual([
      { name: 'redis.policy', severity: 'ok', message: expect.any(String) as string },
      { name: 'redis.persistence', severity: 'ok', message: expect.any(String) as string },
    ]);
  });

  it.each([
    ['5.0.14', 'error'],
    ['4.0.9', 'error'],
    ['6.0.16', undefined],
    ['6.2.14', undefined],
    ['unknown', undefined],
  ])('judges Redis %s as %s', (version, expected) => {
    const finding = assessRedisSettings({ ...healthy, version }).find(
      (f) => f.name === 'redis.version',
    );
    expect(finding?.severity).toBe(expected);
    if (finding) expect(finding.message).toContain(version);
  });

  it.each([
    [true, 'error'],
    [false, 'warn'],
    [undefined, 'error'],
  ] as const)(
    'with requireNoeviction %s, an evicting policy is %s',
    (requireNoeviction, severity) => {
      const findings = assessRedisSettings(
        { ...healthy, maxmemoryPolicy: 'allkeys-lfu' },
        requireNoeviction === undefined ? {} : { requireNoeviction },
      );
      expect(findings.find((f) => f.name === 'redis.policy')).toMatchObject({
        severity,
        message: expect.stringContaining("'allkeys-lfu'") as string,
      });
    },
  );

  it('warns about persistence in two degrees: RDB only, and nothing at all', () => {
    const rdbOnly = assessRedisSettings({ ...healthy, aofEnabled: false, rdbEnabled: true });
    const none = assessRedisSettings({ ...healthy, aofEnabled: false, rdbEnabled: false });
    const persistence = (findings: typeof rdbOnly) =>
      findings.find((f) => f.name === 'redis.persistence');
    expect(persistence(rdbOnly)).toMatchObject({ severity: 'warn' });
    expect(persistence(rdbOnly)?.message).toMatch(/since the last snapshot/);
    expect(persistence(none)).toMatchObject({ severity: 'warn' });
    expect(persistence(none)?.message).toMatch(/restart loses every queued job/);
  });
});

describe('assertRedisUsable', () => {
  it('passes warnings and refuses errors, naming every one', () => {
    const findings = assessRedisSettings({
      maxmemoryPolicy: 'allkeys-random',
      aofEnabled: false,
      rdbEnabled: false,
      version: '5.0.7',
    });
    let caught: unknown;
    try {
      assertRedisUsable(findings);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(RedisMisconfiguredError);
    expect((caught as Error).message).toContain('5.0.7');
    expect((caught as Error).message).toContain('allkeys-random');
    expect((caught as Error).message).not.toContain('persistence');
    expect(() =>
      assertRedisUsable(assessRedisSettings({ ...healthy, aofEnabled: false })),
    ).not.toThrow();
  });
});
