/** What {@link closeServer} stops: a `node:http`, `node:https` or `node:net` server. */
export interface ClosableServer {
  close(callback: (err?: Error) => void): unknown;
}

/**
 * Stops `server` accepting connections and resolves once every open connection has ended, or
 * rejects with the error the server reported. A server that is not listening (it never started,
 * or was closed already) counts as closed: two owners may both stop one server, and a start-up
 * that failed before `listen` finished still runs the same close path. Dropping idle or active
 * connections is the caller's choice (`closeIdleConnections`, `closeAllConnections`), made right
 * after this call.
 */
export function closeServer(server: ClosableServer): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.close((err) => {
      if (err && !isNotRunning(err)) reject(err);
      else resolve();
    });
  });
}

function isNotRunning(err: Error): boolean {
  return 'code' in err && err.code === 'ERR_SERVER_NOT_RUNNING';
}
