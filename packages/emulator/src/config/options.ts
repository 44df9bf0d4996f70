import {
  adobeRateLimits,
  durationClasses,
  durationClassIds,
  rateLimitClasses,
  type DurationClass,
  type RateLimitClass,
  type RateLimitWindow,
} from '@darkroom/photoshop';
import { EmulatorError } from '../emulator-error';
import type { FaultConfig } from '../faults/fault-config';

/** One OAuth server-to-server credential the emulator's IMS accepts. */
export interface EmulatorClient {
  clientId: string;
  clientSecret: string;
  /**
   * The IMS organization the credential belongs to (`…@AdobeOrg`). Adobe's rate limits apply to
   * the whole organization, so clients of one org share one budget; a client without one has
   * a budget of its own. Calls that send `x-gw-ims-org-id` must name this org.
   */
  orgId?: string;
}

/** How long a simulated remote job takes, per duration class, before `timeFactor`. */
export interface DurationRange {
  /** Shortest simulated duration in milliseconds. */
  minMs: number;
  /** Longest simulated duration in milliseconds. */
  maxMs: number;
}

/**
 * Durations are drawn uniformly between `minMs` and `maxMs` (a uniform draw is easy to reason
 * about in tests: every job lands inside the documented range), then multiplied by `timeFactor`.
 * The defaults are the planned range of each duration class in the operation catalog
 * (`durationClasses` in `@darkroom/photoshop`).
 */
export interface DurationOptions {
  /** @defaultValue `{ minMs: 5000, maxMs: 15000 }` (renditions, Lightroom and most v2 edits) */
  simple: DurationRange;
  /** @defaultValue `{ minMs: 15000, maxMs: 60000 }` (actions, composites, document edits) */
  complex: DurationRange;
  /** @defaultValue `{ minMs: 60000, maxMs: 120000 }` (artboards; Adobe gives no upper end) */
  large: DurationRange;
  /**
   * Share of the duration a job spends `pending` before it turns `running`.
   * @defaultValue 0.2
   */
  pendingShare: number;
}

/** A request budget: at most `limit` requests in any sliding window of `windowMs`. */
export type RateWindow = RateLimitWindow;

/**
 * Adobe's organisation-wide hard limits, applied per organization (a client configured without
 * an `orgId` counts as an organization of its own), per class of call: the classes
 * of `rateLimitClasses` in `@darkroom/photoshop`, whose catalog names each operation's. Defaults
 * are `adobeRateLimits[class].hard`: `submit` 16 per 3 s and 320 per minute, `status` 310 per 3 s,
 * `submit-cutout` 3 per 3 s, `status-cutout` 1000 per 3 s, `submit-mask` 60 per minute and 9000
 * per day.
 * @see https://developer.adobe.com/firefly-services/docs/photoshop/getting_started/technical_usage_notes
 */
export type RateLimitOptions = Record<RateLimitClass, readonly RateWindow[]>;

export type ProcessingMode = 'real' | 'placeholder';

/**
 * Adobe I/O Events for jobs submitted with `x-gw-ims-org-id`: one `photoshop-job-status` event
 * per job once its status is final, pushed to the webhooks (after their challenge) and kept in
 * the journal. Durations are not scaled by `timeFactor`.
 * @see https://developer.adobe.com/firefly-services/docs/photoshop/guides/triggering-an-event
 */
export interface EventOptions {
  /** Webhook URL(s) every event is delivered to. @defaultValue none (journal only) */
  webhookUrl?: string | readonly string[];
  /** How long one delivery (or challenge) may take before it counts as failed. @defaultValue 10000 */
  deliveryTimeoutMs?: number;
  /** Wait before the first retry; each later retry waits twice as long. @defaultValue 1000 */
  retryBaseMs?: number;
  /** Longest wait between two attempts. @defaultValue 3600000 (one hour) */
  retryMaxMs?: number;
  /**
   * Attempts per delivery, the first included; with the defaults the last one falls about a day
   * after the first, as Adobe retries for up to 24 hours. @defaultValue 36
   */
  maxAttempts?: number;
  /** Events the journal keeps (the oldest go first). @defaultValue 10000 */
  journalSize?: number;
}

export interface ResolvedEventOptions {
  webhookUrls: string[];
  deliveryTimeoutMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  maxAttempts: number;
  journalSize: number;
}

export interface EmulatorOptions {
  /** Port to listen on; 0 picks a free one. @defaultValue 0 */
  port?: number;
  /** @defaultValue '127.0.0.1' */
  host?: string;
  /**
   * Multiplies every simulated duration (and, with `scaleRateLimits`, every rate window):
   * 0.01 makes a 10 s job take 100 ms; 0 makes jobs finish as soon as their image work is done.
   * @defaultValue 1
   */
  timeFactor?: number;
  /** Credentials IMS accepts. @defaultValue one development client, see {@link DEFAULT_CLIENT} */
  clients?: EmulatorClient[];
  /** Lifetime of issued access tokens in seconds (not scaled by `timeFactor`). @defaultValue 86399 */
  tokenLifetimeSeconds?: number;
  /** Simulated durations. */
  durations?: Partial<DurationOptions>;
  /** `false` switches every rate limit off. @defaultValue Adobe's hard limits */
  limits?: Partial<RateLimitOptions> | false;
  /** `false` switches every rate limit off (same as `limits: false`). @defaultValue true */
  rateLimits?: boolean;
  /** Scale rate windows by `timeFactor` (when `timeFactor` > 0). @defaultValue false */
  scaleRateLimits?: boolean;
  /** Faults to inject from the start. @defaultValue none */
  faults?: FaultConfig;
  /** Seed for every random draw (durations and faults), so runs are reproducible. @defaultValue 1 */
  seed?: number;
  /**
   * `placeholder` skips the input download and the image work and uploads a tiny generated
   * image of each requested type. Only for measuring queue overhead; never the default.
   * @defaultValue 'real'
   */
  processing?: ProcessingMode;
  /**
   * Accept `http://` hrefs on loopback hosts (127.0.0.0/8, ::1, localhost), because local
   * storage (s3rver, Azurite) is plain HTTP. Adobe itself requires `https://`.
   * @defaultValue true
   */
  allowHttpLoopbackStorage?: boolean;
  /** Timeout for each input download and output upload. @defaultValue 30000 */
  transferTimeoutMs?: number;
  /** Largest input the emulator downloads, in bytes. @defaultValue 1 GiB */
  maxInputBytes?: number;
  /** How long finished jobs are kept for status reads. @defaultValue 24 h (not scaled) */
  jobRetentionMs?: number;
  /**
   * Jobs doing image work at the same time; the rest wait (and stay `running`). Compositing
   * runs on the event loop, so a cap keeps the API responsive during bursts.
   * @defaultValue 2
   */
  imageWorkConcurrency?: number;
  /**
   * Print one line per request (method, path without query string, status, milliseconds).
   * @defaultValue false
   */
  logRequests?: boolean;
  /** Adobe I/O Events: webhooks, retries and the journal. */
  events?: EventOptions;
}

export const DEFAULT_CLIENT: EmulatorClient = {
  clientId: 'darkroom-dev',
  clientSecret: 'darkroom-dev-secret',
};

/** Adobe's hard limits, read from the one definition in `@darkroom/photoshop`. */
export const DEFAULT_LIMITS: Readonly<RateLimitOptions> = Object.freeze(
  Object.fromEntries(
    rateLimitClasses.map((cls) => [cls, adobeRateLimits[cls].hard]),
  ) as RateLimitOptions,
);

const plannedRange = (cls: DurationClass): DurationRange => ({
  minMs: durationClasses[cls].minMs,
  maxMs: durationClasses[cls].plannedMaxMs,
});

/** The planned range of every duration class of the catalog, and a fifth of it `pending`. */
export const DEFAULT_DURATIONS: Readonly<DurationOptions> = Object.freeze({
  simple: plannedRange('simple'),
  complex: plannedRange('complex'),
  large: plannedRange('large'),
  pendingShare: 0.2,
});

export interface ResolvedOptions {
  port: number;
  host: string;
  timeFactor: number;
  clients: EmulatorClient[];
  tokenLifetimeSeconds: number;
  durations: DurationOptions;
  limits: RateLimitOptions | false;
  scaleRateLimits: boolean;
  faults: FaultConfig;
  seed: number;
  processing: ProcessingMode;
  allowHttpLoopbackStorage: boolean;
  transferTimeoutMs: number;
  maxInputBytes: number;
  jobRetentionMs: number;
  imageWorkConcurrency: number;
  logRequests: boolean;
  events: ResolvedEventOptions;
}

/** Options the emulator cannot start with; the message names the option and the rule. */
export class EmulatorOptionsError extends EmulatorError {}

function checkClients(clients: readonly EmulatorClient[]): void {
  if (clients.length === 0) throw new EmulatorOptionsError('clients must not be empty');
  const seen = new Set<string>();
  clients.forEach((client, i) => {
    if (!client.clientId)
      throw new EmulatorOptionsError(`clients[${i}].clientId must not be empty`);
    if (seen.has(client.clientId)) {
      throw new EmulatorOptionsError(`clients[${i}].clientId must be unique`);
    }
    seen.add(client.clientId);
    if (client.orgId !== undefined && client.orgId.trim() === '') {
      throw new EmulatorOptionsError(`clients[${i}].orgId must not be empty when set`);
    }
  });
}

/** A webhook must be an absolute http(s) URL; the message never echoes its query string. */
export function checkWebhookUrl(url: string, name: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new EmulatorOptionsError(`${name} must be an absolute http or https URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new EmulatorOptionsError(`${name} must use http or https, got ${parsed.protocol}`);
  }
  return url;
}

/** The webhook list of `events.webhookUrl` (one URL or several), each checked. */
export function webhookUrlsOf(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  const urls = typeof value === 'string' ? [value] : [...value];
  return urls.map((url, i) =>
    checkWebhookUrl(
      url,
      typeof value === 'string' ? 'events.webhookUrl' : `events.webhookUrl[${i}]`,
    ),
  );
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < 1) {
    throw new EmulatorOptionsError(`${name} must be an integer >= 1, got ${String(n)}`);
  }
  return n;
}

function resolveEvents(events: EventOptions = {}): ResolvedEventOptions {
  const resolved = {
    webhookUrls: webhookUrlsOf(events.webhookUrl),
    deliveryTimeoutMs: positiveInteger(
      'events.deliveryTimeoutMs',
      events.deliveryTimeoutMs,
      10_000,
    ),
    retryBaseMs: positiveInteger('events.retryBaseMs', events.retryBaseMs, 1000),
    retryMaxMs: positiveInteger('events.retryMaxMs', events.retryMaxMs, 60 * 60 * 1000),
    maxAttempts: positiveInteger('events.maxAttempts', events.maxAttempts, 36),
    journalSize: positiveInteger('events.journalSize', events.journalSize, 10_000),
  };
  if (resolved.retryMaxMs < resolved.retryBaseMs) {
    throw new EmulatorOptionsError('events.retryMaxMs must be >= events.retryBaseMs');
  }
  return resolved;
}

export function resolveOptions(options: EmulatorOptions = {}): ResolvedOptions {
  const timeFactor = options.timeFactor ?? 1;
  if (!Number.isFinite(timeFactor) || timeFactor < 0) {
    throw new EmulatorOptionsError(`timeFactor must be a number >= 0, got ${String(timeFactor)}`);
  }
  const processing = options.processing ?? 'real';
  if (processing !== 'real' && processing !== 'placeholder') {
    throw new EmulatorOptionsError(`processing must be 'real' or 'placeholder'`);
  }
  const clients = options.clients ?? [DEFAULT_CLIENT];
  checkClients(clients);
  const durations = { ...DEFAULT_DURATIONS, ...options.durations };
  for (const name of durationClassIds) {
    const range = durations[name];
    if (range.minMs < 0 || range.maxMs < range.minMs) {
      throw new EmulatorOptionsError(`durations.${name} needs 0 <= minMs <= maxMs`);
    }
  }
  return {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    timeFactor,
    clients,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 86_399,
    durations,
    limits:
      options.limits === false || options.rateLimits === false
        ? false
        : { ...DEFAULT_LIMITS, ...options.limits },
    scaleRateLimits: options.scaleRateLimits ?? false,
    faults: options.faults ?? {},
    seed: options.seed ?? 1,
    processing,
    allowHttpLoopbackStorage: options.allowHttpLoopbackStorage ?? true,
    transferTimeoutMs: options.transferTimeoutMs ?? 30_000,
    maxInputBytes: options.maxInputBytes ?? 1024 * 1024 * 1024,
    jobRetentionMs: options.jobRetentionMs ?? 24 * 60 * 60 * 1000,
    imageWorkConcurrency: Math.max(1, options.imageWorkConcurrency ?? 2),
    logRequests: options.logRequests ?? false,
    events: resolveEvents(options.events),
  };
}
