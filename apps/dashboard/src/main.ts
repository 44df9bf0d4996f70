import { redactEnv } from '@darkroom/config';
import { createLogger } from '@darkroom/observability';
import { createDashboard } from './create-dashboard';
import { dashboardConfigFromEnv } from './dashboard-env';

async function main(): Promise<void> {
  const config = dashboardConfigFromEnv(process.env);
  const logger = createLogger({ name: 'darkroom-dashboard', level: config.logLevel });
  const dashboard = createDashboard(config.dashboard);
  const { url } = await dashboard.listen(config.port, config.host);
  logger.info(
    {
      url,
      queues: config.dashboard.queues,
      auth: config.dashboard.auth.mode,
      env: redactEnv({
        REDIS_URL: process.env.REDIS_URL,
        DARKROOM_PREFIX: process.env.DARKROOM_PREFIX,
      }),
    },
    'dashboard listening',
  );

  const stop = (signal: string): void => {
    logger.info({ signal }, 'dashboard stopping');
    dashboard.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'dashboard did not close cleanly');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  // The logger may not exist yet (bad configuration), so this one line goes to stderr as JSON.
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`${JSON.stringify({ level: 'fatal', msg: message })}\n`);
  process.exit(1);
});
