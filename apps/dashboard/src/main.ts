import { redactEnv } from '@darkroom/config';
import { isConfigurationError, runUntilSignal } from '@darkroom/core';
import { createLogger, type Logger } from '@darkroom/observability';
import { createDashboard, DashboardOptionsError, type Dashboard } from './create-dashboard';
import { dashboardConfigFromEnv } from './dashboard-env';

async function startDashboard(): Promise<{ logger: Logger; close: Dashboard['close'] }> {
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
  return { logger, close: () => dashboard.close() };
}

runUntilSignal(startDashboard, {
  name: 'darkroom-dashboard',
  // Options the environment passed but createDashboard refuses (an empty queue list) are
  // configuration errors as much as the ones dashboardConfigFromEnv finds.
  isConfigError: (err) => err instanceof DashboardOptionsError || isConfigurationError(err),
  onStop: ({ logger }, signal) => logger.info({ signal }, 'dashboard stopping'),
  onCloseError: ({ logger }, err) => logger.error({ err }, 'dashboard did not close cleanly'),
});
