import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, type Socket } from 'node:net';
import { closeAll, closeOnce, closeServer, coerceError, withoutQuery } from '@darkroom/core';
import {
  operations,
  rateLimitClasses,
  statusLimitClasses,
  validateRequestBody,
  type OperationSpec,
  type RateLimitClass,
  type StatusFamily,
} from '@darkroom/photoshop';
import { handleImsToken } from './auth/ims-handler';
import { TokenStore } from './auth/token-store';
import {
  type EmulatorOptions,
  type RateWindow,
  resolveOptions,
  type ResolvedOptions,
} from './config/options';
import { type FaultConfig, faultConfigSchema } from './faults/fault-config';
import { FaultInjector, type RequestKind } from './faults/fault-injector';
import {
  type ApiGeneration,
  type ErrorReply,
  gatewayErrors,
  invalidContentType,
  invalidJson,
  notFound,
  payloadTooLarge,
  serverError,
  tooManyRequests,
  validationError,
} from './http/error-bodies';
import { BodyTooLargeError, readBody, sendJson, sendText } from './http/respond';
import { JobManager } from './jobs/job-manager';
import { phaseOf, type JobRecord } from './jobs/job-record';
import { statusDocument, statusUrl } from './jobs/status-views';
import { SlidingWindowLimiter } from './limits/rate-limiter';
import { type EmulatorStats, Evidence } from './stats/evidence';
import { EmulatorMetrics } from './stats/metrics';
import { mainInputHref, outputTargets } from './operations/job-files';
import { hrefIssues } from './validation/href-rules';

/** A job as the admin listing shows it: no presigned query strings. */
export interface JobSummary {
  jobId: string;
  operation: string;
  generation: string;
  clientId: string;
  status: 'pending' | 'running' | 'succeeded' | 'failed';
  createdAt: string;
  /** The simulated duration drawn for the job (after timeFactor). */
  simulatedDurationMs: number;
  finishedAt?: string;
  input?: string;
  outputs: string[];
  statusGets: number;
  error?: { type: string; title: string; reasons: string[] };
}

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
  /** Prometheus text exposition of the emulator's own registry. */
  metrics(): Promise<string>;
  /** Stops listening, drops connections and ends in-flight work. Idempotent. */
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

const SUBMIT_ROUTES = new Map<string, OperationSpec>(
  Object.values(operations).map((op) => [op.path, op]),
);

const STATUS_PREFIXES: Array<[string, StatusFamily]> = [
  ['/pie/psdService/status/', 'photoshop'],
  ['/sensei/status/', 'sensei'],
  ['/lrService/status/', 'lightroom'],
  ['/v2/status/', 'v2'],
];

/** Where a submit writes (outputs without query strings), or its input when it has no outputs. */
function submitLocations(op: OperationSpec, body: unknown): Set<string> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return new Set();
  const record = body as Record<string, unknown>;
  const locations = outputTargets(op, record).flatMap((o) =>
    o.href ? [withoutQuery(o.href)] : [],
  );
  const input = mainInputHref(op, record);
  if (locations.length === 0 && input) locations.push(withoutQuery(input));
  return new Set(locations);
}

/** One line per request; the path only, so presigned query strings never reach the log. */
function logWhenDone(req: IncomingMessage, res: ServerResponse): void {
  const started = process.hrtime.bigint();
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  res.on('close', () => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const status = res.headersSent ? String(res.statusCode) : 'dropped';
    console.log(`${req.method ?? 'GET'} ${path} ${status} ${ms.toFixed(1)} ms`);
  });
}

function generationOfPath(path: string): ApiGeneration {
  return path.startsWith('/v2/') || path === '/v1/auto-crop' ? 'v2' : 'v1';
}

class EmulatorServer {
  readonly tokens: TokenStore;
  readonly faults: FaultInjector;
  readonly evidence = new Evidence();
  readonly metrics = new EmulatorMetrics();
  readonly jobs: JobManager;
  readonly server: Server;
  private readonly limiters: Partial<Record<RateLimitClass, SlidingWindowLimiter>> = {};
  private readonly sleepers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private readonly sockets = new Set<Socket>();
  private readonly fractionalRetryAfter: boolean;
  private fallbackOrigin = '';

  constructor(readonly options: ResolvedOptions) {
    this.tokens = new TokenStore(options.clients, options.tokenLifetimeSeconds);
    this.faults = new FaultInjector(options.seed, options.faults);
    this.jobs = new JobManager(options, this.faults, this.evidence, this.metrics);
    const scale = options.scaleRateLimits && options.timeFactor > 0 ? options.timeFactor : 1;
    // Sped-up runs (0 < timeFactor < 1) get decimal Retry-After seconds: whole seconds would
    // dwarf scaled windows and the short waits fault tests inject.
    this.fractionalRetryAfter = options.timeFactor > 0 && options.timeFactor < 1;
    if (options.limits !== false) {
      const scaled = (windows: readonly RateWindow[]) =>
        windows.map((w) => ({ limit: w.limit, windowMs: w.windowMs * scale }));
      const limits = options.limits;
      // One limiter per class of call, the classes the operation catalog names.
      for (const cls of rateLimitClasses) {
        this.limiters[cls] = new SlidingWindowLimiter(scaled(limits[cls]));
      }
    }
    this.server = createServer((req, res) => {
      if (options.logRequests) logWhenDone(req, res);
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) {
          sendJson(res, 500, serverError(generationOfPath(req.url ?? '/'), 500).body);
        }
        // A handler bug must not take the emulator down; it shows up as a 500 in the client.
        // Query strings are cut from the log line: they may hold presigned signatures.
        const error = coerceError(err);
        const text = error.stack ?? error.message;
        console.error(`emulator: request failed: ${text.replace(/\?[^\s"'`]*/g, '?…')}`);
      });
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
    this.fallbackOrigin = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}`;
    return port;
  }

  get origin(): string {
    return this.fallbackOrigin;
  }

  /** Links point where the client reached the emulator (its Host header), else the bound address. */
  private originOf(req: IncomingMessage): string {
    const host = req.headers.host;
    return host ? `http://${host}` : this.fallbackOrigin;
  }

  private reply(
    res: ServerResponse,
    route: string,
    status: number,
    body: unknown,
    headers?: Record<string, string>,
  ): void {
    this.metrics.requests.inc({ route, status_class: `${Math.floor(status / 100)}xx` });
    sendJson(res, status, body, headers);
  }

  private replyError(res: ServerResponse, route: string, error: ErrorReply): void {
    this.reply(res, route, error.status, error.body, error.headers);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const method = req.method ?? 'GET';

    if (method === 'POST') {
      const op = SUBMIT_ROUTES.get(path);
      if (op) return this.submit(req, res, op);
      if (path === '/ims/token/v3') return this.ims(req, res, rawUrl);
      if (path.startsWith('/admin/')) return this.admin(req, res, method, path);
    } else if (method === 'GET') {
      for (const [prefix, family] of STATUS_PREFIXES) {
        if (path.startsWith(prefix))
          return this.status(req, res, family, path.slice(prefix.length));
      }
      if (path === '/pie/psdService/hello') return this.hello(req, res);
      if (path.startsWith('/hosted/')) return this.hosted(req, res, path.slice('/hosted/'.length));
      if (path === '/metrics') {
        const text = await this.metrics.registry.metrics();
        return sendText(res, 200, text, this.metrics.registry.contentType);
      }
      if (path.startsWith('/admin/')) return this.admin(req, res, method, path);
    }
    req.resume();
    const generation = generationOfPath(path);
    this.replyError(res, 'unknown', notFound(generation));
  }

  /** The Adobe I/O gateway: a bearer token IMS issued, and the API key of the same client. */
  private authenticate(req: IncomingMessage): { clientId: string } | ErrorReply {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    const token = match?.[1] ? this.tokens.verify(match[1].trim()) : undefined;
    if (!token) {
      this.evidence.unauthorized();
      return gatewayErrors.invalidToken();
    }
    if (req.headers['x-api-key'] !== token.clientId) {
      this.evidence.unauthorized();
      return gatewayErrors.invalidApiKey();
    }
    return { clientId: token.clientId };
  }

  private takeBudget(budget: RateLimitClass, clientId: string): number | undefined {
    const limiter = this.limiters[budget];
    if (!limiter) return undefined;
    const decision = limiter.take(clientId);
    return decision.allowed ? undefined : decision.retryAfterMs;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.sleepers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.sleepers.add(entry);
    });
  }

  /**
   * Rate limit, then injected faults. Returns true when the request has been answered (or its
   * connection dropped) and must not be handled further.
   */
  private async gate(
    req: IncomingMessage,
    res: ServerResponse,
    kind: RequestKind,
    budget: RateLimitClass,
    clientId: string,
    route: string,
    generation: ApiGeneration,
  ): Promise<boolean> {
    const stats = this.evidence.client(clientId);
    const retryAfterMs = this.takeBudget(budget, clientId);
    if (retryAfterMs !== undefined) {
      stats.throttled += 1;
      this.metrics.throttled.inc({ budget });
      this.replyError(
        res,
        route,
        tooManyRequests(generation, retryAfterMs, this.fractionalRetryAfter),
      );
      return true;
    }
    const fault = this.faults.forRequest(kind);
    if (fault.latencyMs > 0) {
      this.evidence.fault(clientId, 'latency');
      this.metrics.faults.inc({ kind: 'latency' });
      await this.sleep(fault.latencyMs);
    }
    switch (fault.kind) {
      case 'none':
        return false;
      case 'drop':
        this.evidence.fault(clientId, 'drop');
        this.metrics.faults.inc({ kind: 'drop' });
        req.socket.destroy();
        return true;
      case 'error':
        this.evidence.fault(clientId, `error${fault.status}`);
        this.metrics.faults.inc({ kind: `error${fault.status}` });
        this.replyError(res, route, serverError(generation, fault.status));
        return true;
      case 'throttle':
        stats.throttled += 1;
        this.evidence.fault(clientId, 'throttle');
        this.metrics.faults.inc({ kind: 'throttle' });
        this.metrics.throttled.inc({ budget: 'injected' });
        this.replyError(
          res,
          route,
          tooManyRequests(generation, fault.retryAfterMs, this.fractionalRetryAfter),
        );
        return true;
    }
  }

  private async submit(
    req: IncomingMessage,
    res: ServerResponse,
    op: OperationSpec,
  ): Promise<void> {
    const route = op.id;
    let raw: Buffer;
    try {
      raw = await readBody(req, MAX_BODY_BYTES);
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        return this.replyError(res, route, payloadTooLarge(op.generation, err.limit));
      }
      throw err;
    }
    const auth = this.authenticate(req);
    if ('status' in auth) return this.replyError(res, route, auth);
    const { clientId } = auth;
    const stats = this.evidence.client(clientId);
    stats.submits += 1;
    let body: unknown;
    let parseError: string | undefined;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch (err) {
      parseError = coerceError(err).message;
    }
    // Every submit that reached the service counts as an attempt for its locations, whatever
    // the answer (429, 5xx, dropped, 400 or 202): retries show up here, jobs in submitsByLocation.
    for (const location of submitLocations(op, body)) this.evidence.attempt(location);
    const budget = op.limitClasses.submit;
    if (await this.gate(req, res, 'submit', budget, clientId, route, op.generation)) return;

    const contentType = req.headers['content-type'];
    if (contentType !== undefined && !contentType.toLowerCase().includes('json')) {
      stats.rejected += 1;
      return this.replyError(res, route, invalidContentType(op.generation, contentType));
    }
    if (parseError !== undefined) {
      stats.rejected += 1;
      return this.replyError(res, route, invalidJson(op.generation, parseError));
    }
    const checked = validateRequestBody(op.id, body);
    const issues = [
      ...(checked.ok ? [] : checked.issues),
      ...hrefIssues(op, body, this.options.allowHttpLoopbackStorage),
    ];
    if (!checked.ok || issues.length > 0) {
      stats.rejected += 1;
      return this.replyError(res, route, validationError(op.generation, issues));
    }
    const origin = this.originOf(req);
    const job = this.jobs.submit(op, checked.body, clientId, origin);
    stats.accepted += 1;
    for (const location of submitLocations(op, job.body)) this.evidence.location(location);
    if (this.faults.dropsAcceptedReply()) {
      this.evidence.fault(clientId, 'dropAfterAccept');
      this.metrics.faults.inc({ kind: 'dropAfterAccept' });
      req.socket.destroy();
      return;
    }
    const link = statusUrl(origin, job);
    this.reply(
      res,
      route,
      202,
      op.generation === 'v1'
        ? { _links: { self: { href: link } } }
        : { jobId: job.id, statusUrl: link },
    );
  }

  private async status(
    req: IncomingMessage,
    res: ServerResponse,
    family: StatusFamily,
    id: string,
  ): Promise<void> {
    req.resume();
    const route = 'status';
    const generation: ApiGeneration = family === 'v2' ? 'v2' : 'v1';
    const auth = this.authenticate(req);
    if ('status' in auth) return this.replyError(res, route, auth);
    const { clientId } = auth;
    this.evidence.client(clientId).statusGets += 1;
    // The gate runs before the job is looked up, so the class comes from the status path's
    // family; the catalog gives every operation the class of its family.
    const budget = statusLimitClasses[family];
    if (await this.gate(req, res, 'status', budget, clientId, route, generation)) return;
    let jobId: string;
    try {
      jobId = decodeURIComponent(id);
    } catch {
      return this.replyError(res, route, notFound(generation));
    }
    const job = this.jobs.get(jobId);
    if (!job || job.op.statusFamily !== family)
      return this.replyError(res, route, notFound(generation));
    job.statusGets += 1;
    this.evidence.statusGet(job.id);
    this.reply(res, route, 200, statusDocument(this.originOf(req), job));
  }

  /** Files the emulator hosts (v2 hosted outputs, auto-crop images): the token is the credential. */
  private hosted(req: IncomingMessage, res: ServerResponse, token: string): void {
    req.resume();
    const file = this.jobs.hostedFiles.get(token);
    if (file === undefined) return this.reply(res, 'hosted', 404, { error: 'not_found' });
    if (file === 'expired') return this.reply(res, 'hosted', 410, { error: 'expired' });
    this.metrics.requests.inc({ route: 'hosted', status_class: '2xx' });
    res.writeHead(200, { 'content-type': file.contentType, 'content-length': file.bytes.length });
    res.end(file.bytes);
  }

  private hello(req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    const auth = this.authenticate(req);
    if ('status' in auth) return this.replyError(res, 'hello', auth);
    this.metrics.requests.inc({ route: 'hello', status_class: '2xx' });
    sendText(res, 200, 'Welcome to the Photoshop API!');
  }

  private async ims(req: IncomingMessage, res: ServerResponse, rawUrl: string): Promise<void> {
    const raw = await readBody(req, 64 * 1024);
    const form = new URLSearchParams(raw.toString('utf8'));
    const q = rawUrl.indexOf('?');
    if (q >= 0) {
      for (const [k, v] of new URLSearchParams(rawUrl.slice(q + 1)))
        if (!form.has(k)) form.set(k, v);
    }
    const reply = handleImsToken(this.tokens, form);
    this.reply(res, 'ims', reply.status, reply.body);
  }

  private async admin(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    path: string,
  ): Promise<void> {
    const route = 'admin';
    if (method === 'GET' && path === '/admin/jobs')
      return this.reply(res, route, 200, { jobs: this.summaries() });
    if (method === 'GET' && path === '/admin/stats')
      return this.reply(res, route, 200, this.evidence.snapshot());
    if (method === 'GET' && path === '/admin/faults')
      return this.reply(res, route, 200, { faults: this.faults.current() });
    if (method === 'POST' && path === '/admin/faults') {
      const raw = await readBody(req, 64 * 1024);
      let body: unknown;
      try {
        body = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'));
      } catch {
        return this.reply(res, route, 400, { error: 'invalid_json', message: 'body must be JSON' });
      }
      const parsed = faultConfigSchema.safeParse(body);
      if (!parsed.success) {
        return this.reply(res, route, 400, {
          error: 'invalid_faults',
          issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        });
      }
      this.faults.set(parsed.data);
      return this.reply(res, route, 200, { faults: parsed.data });
    }
    if (method === 'POST' && path === '/admin/reset') {
      req.resume();
      this.resetStats();
      return this.reply(res, route, 200, { reset: true });
    }
    if (method === 'POST' && path === '/admin/revoke-tokens') {
      req.resume();
      return this.reply(res, route, 200, { revoked: this.tokens.revokeAll() });
    }
    req.resume();
    this.reply(res, route, 404, {
      error: 'not_found',
      message: `no admin route ${method} ${path}`,
    });
  }

  resetStats(): void {
    this.evidence.reset();
    for (const limiter of Object.values(this.limiters)) limiter.reset();
  }

  summaries(): JobSummary[] {
    const now = Date.now();
    return this.jobs.list().map((job: JobRecord) => {
      const status = phaseOf(job, now);
      const summary: JobSummary = {
        jobId: job.id,
        operation: job.op.id,
        generation: job.op.generation,
        clientId: job.clientId,
        status,
        createdAt: new Date(job.createdAt).toISOString(),
        simulatedDurationMs: job.finishAt - job.createdAt,
        outputs: job.outputs.map((o) => (o.href ? withoutQuery(o.href) : `(embedded ${o.type})`)),
        statusGets: job.statusGets,
      };
      if (job.mainInput) summary.input = withoutQuery(job.mainInput);
      if ((status === 'succeeded' || status === 'failed') && job.settledAt !== undefined) {
        summary.finishedAt = new Date(Math.max(job.finishAt, job.settledAt)).toISOString();
      }
      if (status === 'failed' && job.failure) {
        summary.error = {
          type: job.failure.type,
          title: job.failure.title,
          reasons: job.failure.details.map((d) => `${d.name}: ${d.reason}`),
        };
      }
      return summary;
    });
  }

  /**
   * Stops listening, drops every connection and ends in-flight work; the server and the job
   * manager close together and both are reported when they fail. A server that never started
   * listening counts as closed. A second call returns the same promise.
   */
  readonly close = closeOnce(() => {
    for (const sleeper of this.sleepers) {
      clearTimeout(sleeper.timer);
      sleeper.resolve();
    }
    this.sleepers.clear();
    const closed = closeServer(this.server);
    this.server.closeAllConnections();
    for (const socket of this.sockets) socket.destroy();
    return closeAll([() => this.jobs.close(), () => closed], { concurrent: true });
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
  return {
    url: server.origin,
    port,
    stats: () => server.evidence.snapshot(),
    jobs: () => server.summaries(),
    setFaults: (faults) => server.faults.set(faultConfigSchema.parse(faults)),
    resetStats: () => server.resetStats(),
    revokeTokens: () => server.tokens.revokeAll(),
    metrics: () => server.metrics.registry.metrics(),
    close: server.close,
  };
}
