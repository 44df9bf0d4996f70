import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, type Socket } from 'node:net';
import { closeAll, closeOnce, closeServer, coerceError } from '@darkroom/core';
import {
  type EmulatorOptions,
  resolveOptions,
  type ResolvedOptions,
  webhookUrlsOf,
} from './config/options';
import { createEmulatorContext, type EmulatorContext, resetStats } from './emulator-context';
import { type FaultConfig, faultConfigSchema } from './faults/fault-config';
import { notFound, serverError } from './http/error-bodies';
import { replyError } from './http/reply';
import { logWhenDone } from './http/request-log';
import { sendJson } from './http/respond';
import { generationOfPath, matchRoute } from './http/routes';
import { type JobSummary, summarizeJobs } from './jobs/job-summary';
import { type EmulatorStats } from './stats/evidence';

/** A running emulator. */
export interface Emulator {
  /** Origin, e.g. `http://127.0.0.1:7070`. */
  url: string;
  port: number;
  /** Evidence counters (per client, per output location, per job). */
  stats(): EmulatorStats;
  jobs(): JobSummary[];
  /** Replaces the fault set (and restarts its seeded stream). */
  setFaults(faults: FaultConfig): void;
  /** Zeroes the evidence counters and the rate-limit windows. */
  resetStats(): void;
  /** Forgets every issued token, so the next API call gets the gateway's 401. */
  revokeTokens(): number;
  /**
   * Replaces the Adobe I/O Events webhooks (none: `undefined` or `[]`); each is challenged
   * before its first delivery.
   */
  setEventWebhooks(webhookUrl: string | readonly string[] | undefined): void;
  /**
   * Where the public keys of event signatures are served: the `x-adobe-public-key<n>-path`
   * headers are paths on this origin (Adobe's is https://static.adobeioevents.com).
   */
  eventKeyOrigin: string;
  /** Prometheus text exposition of the emulator's own registry. */
  metrics(): Promise<string>;
  /** Stops listening, drops connections and ends in-flight work. Idempotent. */
  close(): Promise<void>;
}

/**
 * A handler bug must not take the emulator down; it shows up as a 500 in the client. Query
 * strings are cut from the log line: they may hold presigned signatures.
 */
function reportFailure(req: IncomingMessage, res: ServerResponse, err: unknown): void {
  if (!res.headersSent) {
    sendJson(res, 500, serverError(generationOfPath(req.url ?? '/'), 500).body);
  }
  const error = coerceError(err);
  const text = error.stack ?? error.message;
  console.error(`emulator: request failed: ${text.replace(/\?[^\s"'`]*/g, '?…')}`);
}

/** The HTTP server: listens, hands each request to its route's handler, and closes. */
class EmulatorServer {
  readonly context: EmulatorContext;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly options: ResolvedOptions) {
    this.context = createEmulatorContext(options);
    this.server = createServer((req, res) => {
      if (options.logRequests) logWhenDone(req, res);
      this.handle(req, res).catch((err: unknown) => reportFailure(req, res, err));
    });
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const port = (this.server.address() as AddressInfo).port;
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    this.context.origin = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}`;
    return port;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const method = req.method ?? 'GET';
    const route = matchRoute(method, path);
    if (route) {
      return route.handle(this.context, { req, res, method, path, rawUrl, tail: route.tail });
    }
    req.resume();
    replyError(this.context, res, 'unknown', notFound(generationOfPath(path)));
  }

  /**
   * Stops listening, drops every connection and ends in-flight work; the server and the job
   * manager close together and both are reported when they fail. A server that never started
   * listening counts as closed. A second call returns the same promise.
   */
  readonly close = closeOnce(() => {
    this.context.delays.wakeAll();
    const closed = closeServer(this.server);
    this.server.closeAllConnections();
    for (const socket of this.sockets) socket.destroy();
    return closeAll(
      [() => this.context.jobs.close(), () => this.context.events.close(), () => closed],
      { concurrent: true },
    );
  });
}

/**
 * Starts an emulator of Adobe's Photoshop API (both generations) with IMS, gateway checks,
 * real image work, Adobe's rate limits and injectable faults.
 */
export async function createEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const server = new EmulatorServer(resolveOptions(options));
  let port: number;
  try {
    port = await server.listen();
  } catch (err) {
    // A port already in use must not leave the job manager's timers behind. The failed start is
    // what is reported; when closing fails as well, both are, together.
    await closeAll([
      () => {
        throw err;
      },
      () => server.close(),
    ]);
    throw err; // not reached: the first step above always throws
  }
  const { context } = server;
  return {
    url: context.origin,
    port,
    stats: () => context.evidence.snapshot(),
    jobs: () => summarizeJobs(context.jobs),
    setFaults: (faults) => context.faults.set(faultConfigSchema.parse(faults)),
    resetStats: () => resetStats(context),
    revokeTokens: () => context.tokens.revokeAll(),
    setEventWebhooks: (webhookUrl) =>
      context.events.webhooks.setWebhooks(webhookUrlsOf(webhookUrl)),
    eventKeyOrigin: context.origin,
    metrics: () => context.metrics.registry.metrics(),
    close: server.close,
  };
}
