import { parseEnv, type EnvSource } from '@darkroom/config';
import { DEFAULT_CALLBACK_QUEUE } from '@darkroom/callbacks';
import { runsQueueName } from '@darkroom/jobs';
import { z } from 'zod';
import { AuthConfigError, parseTokens, parseUsers, type AuthConfig } from './auth/auth-config';
import { type DashboardOptions } from './dashboard-options';

const schema = z
  .object({
    DASHBOARD_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
    /** Loopback by default; a container sets 0.0.0.0. */
    DASHBOARD_HOST: z.string().min(1).default('127.0.0.1'),
    DASHBOARD_BASE_PATH: z.string().startsWith('/').default('/'),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .default('redis://127.0.0.1:6379'),
    DARKROOM_QUEUES: z.string().default('edits'),
    DARKROOM_PREFIX: z.string().min(1).default('{darkroom}'),
    /** The workers' callbacks queue, shown beside the others; empty to leave it out. */
    DARKROOM_CALLBACK_QUEUE: z.string().default(DEFAULT_CALLBACK_QUEUE),
    DASHBOARD_AUTH: z.enum(['basic', 'bearer']).default('basic'),
    DASHBOARD_USERS: z.string().optional(),
    DASHBOARD_TOKENS: z.string().optional(),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
  })
  .superRefine((env, ctx) => {
    const queues = env.DARKROOM_QUEUES.split(',').filter((q) => q.trim().length > 0);
    if (queues.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['DARKROOM_QUEUES'],
        message: 'at least one queue name is required',
      });
    }
    const variable = env.DASHBOARD_AUTH === 'basic' ? 'DASHBOARD_USERS' : 'DASHBOARD_TOKENS';
    const list = env.DASHBOARD_AUTH === 'basic' ? env.DASHBOARD_USERS : env.DASHBOARD_TOKENS;
    if (list === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [variable],
        message: `required when DASHBOARD_AUTH=${env.DASHBOARD_AUTH}`,
      });
      return;
    }
    try {
      if (env.DASHBOARD_AUTH === 'basic') parseUsers(list);
      else parseTokens(list);
    } catch (err) {
      // The parser's messages name the entry and rule, never the secret itself.
      const message = err instanceof AuthConfigError ? err.message : 'could not be parsed';
      ctx.addIssue({ code: 'custom', path: [variable], message });
    }
  });

const queueList = (list: string): string[] =>
  list
    .split(',')
    .map((q) => q.trim())
    .filter((q) => q.length > 0);

/**
 * The listed queues, each edit queue's recipe runs queue beside it (`<queue>-runs`), then the
 * callbacks queue unless it is empty; none twice.
 */
function withCompanionQueues(list: string, callbackQueue: string): string[] {
  const edits = queueList(list);
  const runs = edits.filter((q) => q !== callbackQueue.trim()).map(runsQueueName);
  const extra = callbackQueue.trim();
  return [...new Set([...edits, ...runs, ...(extra ? [extra] : [])])];
}

/** Everything `main` needs: the dashboard's options and where to listen. */
export interface DashboardConfig {
  dashboard: DashboardOptions;
  port: number;
  host: string;
  logLevel: z.output<typeof schema>['LOG_LEVEL'];
}

/**
 * Reads the dashboard's configuration from an environment-like object: `DASHBOARD_PORT`,
 * `DASHBOARD_HOST`, `DASHBOARD_BASE_PATH`, `REDIS_URL`, `DARKROOM_QUEUES` (comma list),
 * `DARKROOM_PREFIX`, `DARKROOM_CALLBACK_QUEUE` (added to the queues unless empty, as is each
 * edit queue's recipe runs queue), `DASHBOARD_AUTH` (`basic` or `bearer`) with `DASHBOARD_USERS`
 * (`user:password:role,...`) or `DASHBOARD_TOKENS` (`token:role,...`), `LOG_LEVEL`.
 * Throws a `ConfigError` naming each bad variable.
 */
export function dashboardConfigFromEnv(source: EnvSource): DashboardConfig {
  const env = parseEnv(schema, source);
  const auth: AuthConfig =
    env.DASHBOARD_AUTH === 'basic'
      ? { mode: 'basic', users: parseUsers(env.DASHBOARD_USERS ?? '') }
      : { mode: 'bearer', tokens: parseTokens(env.DASHBOARD_TOKENS ?? '') };
  return {
    dashboard: {
      redis: env.REDIS_URL,
      queues: withCompanionQueues(env.DARKROOM_QUEUES, env.DARKROOM_CALLBACK_QUEUE),
      // The callbacks queue has no tenants' lines: the tenants page reads the edit queues only.
      tenantQueues: queueList(env.DARKROOM_QUEUES),
      prefix: env.DARKROOM_PREFIX,
      auth,
      basePath: env.DASHBOARD_BASE_PATH,
    },
    port: env.DASHBOARD_PORT,
    host: env.DASHBOARD_HOST,
    logLevel: env.LOG_LEVEL,
  };
}
