import { type AddressInfo } from 'node:net';
import { type Server } from 'node:http';
import { closeAll, closeOnce, closeServer } from '@darkroom/core';
import { Queue } from 'bullmq';
import { runsQueueName } from '@darkroom/jobs';
import { type Express, type RequestHandler } from 'express';
import { Redis } from 'ioredis';
import { type Role } from './auth/auth-config';
import { boardRouter } from './board/board-router';
import { dashboardApp } from './dashboard-app';
import { type DashboardOptions } from './dashboard-options';
import { RunReaders } from './runs/run-readers';
import { runsPaths, runsRouter } from './runs/runs-router';
import { searchPaths, searchRouter } from './search/search-router';
import { tenantsPaths, tenantsRouter } from './tenants/tenants-router';

export interface Dashboard {
  /** The Express app: every route behind authentication. Mount it or call `listen`. */
  app: Express;
  /** Listens on `port` (0 for a free one) and resolves with the address it got. */
  listen(port: number, host?: string): Promise<{ port: number; url: string }>;
  /**
   * Stops the server (if listening), closes the queues and the Redis connection; every step runs
   * even when one fails, and every failure is reported (a `CloseError` of `@darkroom/core` when
   * several fail). A second call returns the same promise.
   */
  close(): Promise<void>;
}

/** Thrown for options the dashboard cannot start with; names the option and the rule. */
export class DashboardOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = this.constructor.name;
  }
}

function normaliseBasePath(path: string): string {
  if (!path.startsWith('/')) {
    throw new DashboardOptionsError('basePath: must start with "/"');
  }
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

/**
 * Ends a connection whatever its state. `quit()` on a connection still connecting returns at
 * once but leaves the socket and a timer behind for seconds, so wait for it to settle first.
 */
async function closeRedis(connection: Redis): Promise<void> {
  if (connection.status === 'connecting' || connection.status === 'connect') {
    await new Promise<void>((resolve) => {
      const settle = (): void => {
        connection.off('ready', settle).off('error', settle).off('end', settle);
        resolve();
      };
      connection.once('ready', settle).once('error', settle).once('end', settle);
    });
  }
  if (connection.status === 'ready') await connection.quit();
  else connection.disconnect();
}

/**
 * Bull Board over Darkroom's queues, behind authentication. Two boards share the queues: a
 * read-only one for viewers (its UI hides the action buttons) and a writable one for admins;
 * each request is sent to the board its role allows, after the credential and role checks.
 * Job views pass through Darkroom's redaction, so a presigned URL or token that slipped into
 * Redis never reaches the browser. `<basePath>/tenants` (and `.json`) shows each tenant's
 * backlog and rate, `<basePath>/search` (and `.json`) finds edits by tenant or Adobe job id,
 * `<basePath>/runs` (and `.json`) shows recipe runs step by step; all three are linked from the
 * board's header menu.
 */
export function createDashboard(options: DashboardOptions): Dashboard {
  const { redis, prefix, auth, title = 'Darkroom' } = options;
  const basePath = normaliseBasePath(options.basePath ?? '/');
  if (options.queues.length === 0) {
    throw new DashboardOptionsError('queues: at least one queue name is required');
  }

  // One connection for every queue: the board only reads and issues short commands.
  const connection =
    typeof redis === 'string'
      ? new Redis(redis, { maxRetriesPerRequest: null })
      : new Redis({ ...redis, maxRetriesPerRequest: null });
  const queues = options.queues.map((name) => new Queue(name, { connection, prefix }));
  const runsPage = runsPaths(basePath).html;
  const links = [
    { text: 'Tenants', url: tenantsPaths(basePath).html },
    { text: 'Search edits', url: searchPaths(basePath).html },
    { text: 'Runs', url: runsPage },
  ];
  const tenantQueues = options.tenantQueues ?? options.queues;
  const lockedQueues = new Set(tenantQueues.map(runsQueueName));
  const board = (readOnlyMode: boolean): RequestHandler =>
    boardRouter(queues, { basePath, title, readOnlyMode, links, runsPage, lockedQueues });
  const boards: Record<Role, RequestHandler> = { viewer: board(true), admin: board(false) };
  // The edit queues the search reads: the board's own handles, or new ones for queues it does
  // not show (closed with the others).
  const editQueues = tenantQueues.map(
    (name) =>
      queues.find((queue) => queue.name === name) ?? new Queue(name, { connection, prefix }),
  );
  const extraQueues = editQueues.filter((queue) => !queues.includes(queue));
  // Runs are read per edit queue; a runs queue listed among them has no runs of its own.
  const runReaders = new RunReaders({
    redis,
    prefix,
    queues: tenantQueues.filter((name) => !tenantQueues.some((q) => runsQueueName(q) === name)),
  });
  const pages = [
    tenantsRouter({ redis: connection, prefix, queues: tenantQueues, basePath }),
    searchRouter({ redis: connection, prefix, queues: editQueues, basePath }),
    runsRouter({ source: runReaders, basePath }),
  ];
  const app = dashboardApp(auth, basePath, boards, pages);

  let server: Server | undefined;

  const listen = (port: number, host = '127.0.0.1'): Promise<{ port: number; url: string }> =>
    new Promise((resolve, reject) => {
      if (server) {
        reject(new DashboardOptionsError('listen: the dashboard is already listening'));
        return;
      }
      const s = app.listen(port, host);
      server = s;
      s.once('error', (err) => {
        // Nothing is listening, so close() has no server to stop and listen() may be retried.
        server = undefined;
        reject(err);
      });
      s.once('listening', () => {
        const address = s.address() as AddressInfo;
        const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
        resolve({
          port: address.port,
          url: `http://${shownHost}:${address.port}${basePath === '/' ? '/' : `${basePath}/`}`,
        });
      });
    });

  // The server first, so no request reaches a closed queue; the shared connection last. The run
  // readers hold connections of their own.
  const close = closeOnce(() => {
    const s = server;
    return closeAll([
      s
        ? () => {
            const closed = closeServer(s);
            s.closeAllConnections();
            return closed;
          }
        : undefined,
      ...[...queues, ...extraQueues].map((queue) => () => queue.close()),
      () => runReaders.close(),
      () => closeRedis(connection),
    ]);
  });

  return { app, listen, close };
}
