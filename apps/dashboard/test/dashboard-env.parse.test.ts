import { ConfigError } from '@darkroom/config';
import { dashboardConfigFromEnv, parseTokens, parseUsers } from '../src';

function issuesOf(env: Record<string, string>): { variable: string; rule: string }[] {
  try {
    dashboardConfigFromEnv(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('dashboardConfigFromEnv', () => {
  it('reads basic auth users, queues, prefix and port', () => {
    const config = dashboardConfigFromEnv({
      DASHBOARD_PORT: '8081',
      REDIS_URL: 'redis://redis:6379/2',
      DARKROOM_QUEUES: 'darkroom-edits, darkroom-bulk,',
      DARKROOM_PREFIX: '{dr}',
      DASHBOARD_USERS: 'viewer:pa:ss:viewer,admin:secret:admin',
    });
    expect(config.port).toBe(8081);
    expect(config.host).toBe('127.0.0.1');
    expect(config.dashboard).toEqual({
      redis: 'redis://redis:6379/2',
      // Each edit queue's recipe runs queue is shown beside it, the callbacks queue last.
      queues: [
        'darkroom-edits',
        'darkroom-bulk',
        'darkroom-edits-runs',
        'darkroom-bulk-runs',
        'callbacks',
      ],
      tenantQueues: ['darkroom-edits', 'darkroom-bulk'],
      prefix: '{dr}',
      basePath: '/',
      auth: {
        mode: 'basic',
        users: [
          { username: 'viewer', password: 'pa:ss', role: 'viewer' },
          { username: 'admin', password: 'secret', role: 'admin' },
        ],
      },
    });
  });

  it('reads bearer tokens', () => {
    const config = dashboardConfigFromEnv({
      DASHBOARD_AUTH: 'bearer',
      DASHBOARD_TOKENS: 'tok-1:viewer,tok-2:admin',
    });
    expect(config.dashboard.auth).toEqual({
      mode: 'bearer',
      tokens: [
        { token: 'tok-1', role: 'viewer' },
        { token: 'tok-2', role: 'admin' },
      ],
    });
  });

  it('names each bad variable and its rule, and never echoes a secret', () => {
    const issues = issuesOf({
      DASHBOARD_PORT: '70000',
      DASHBOARD_AUTH: 'basic',
      DASHBOARD_USERS: 'viewer:hunter2:superuser',
      REDIS_URL: 'http://redis:6379',
    });
    expect(issues.map((i) => i.variable).sort()).toEqual([
      'DASHBOARD_PORT',
      'DASHBOARD_USERS',
      'REDIS_URL',
    ]);
    expect(issues.find((i) => i.variable === 'DASHBOARD_USERS')?.rule).toBe(
      'users[0]: role must be one of viewer, admin',
    );
    expect(JSON.stringify(issues)).not.toContain('hunter2');
  });

  it('requires the credential list of the chosen mode', () => {
    expect(issuesOf({ DASHBOARD_AUTH: 'bearer', DASHBOARD_USERS: 'a:b:admin' })).toEqual([
      { variable: 'DASHBOARD_TOKENS', rule: 'required when DASHBOARD_AUTH=bearer' },
    ]);
    expect(issuesOf({ DASHBOARD_USERS: 'a:b:admin', DARKROOM_QUEUES: ' , ' })).toEqual([
      { variable: 'DARKROOM_QUEUES', rule: 'at least one queue name is required' },
    ]);
  });
});

describe('parseUsers and parseTokens', () => {
  it('reject malformed entries by position', () => {
    expect(() => parseUsers('justname')).toThrow('users[0]: expected user:password:role');
    expect(() => parseUsers('a:b:viewer,c::admin')).toThrow('users[1]: password must not be empty');
    expect(() => parseUsers('')).toThrow('users: at least one user is required');
    expect(() => parseTokens('tok')).toThrow('tokens[0]: expected token:role');
    expect(() => parseTokens('tok:root')).toThrow('tokens[0]: role must be one of viewer, admin');
  });
});
