/**
 * The kinds of call Adobe limits apart from each other. Every operation in the catalog names the
 * class of its submit and of its status reads (`OperationSpec.limitClasses`):
 * - `submit`: POSTs to every operation but remove background and masking;
 * - `status`: GETs of the Photoshop, Lightroom, v2 and masking (`/v1/status`) status URLs;
 * - `submit-cutout`: remove-background POSTs (`/sensei/cutout`, `/v2/remove-background`);
 * - `status-cutout`: GETs of `/sensei/status`, which remove-background and masking jobs share,
 *   and of `/v2/status` for `/v2/remove-background` jobs;
 * - `submit-mask`: masking POSTs (`/sensei/mask`, `/v1/mask-objects`, `/v1/mask-body-parts`,
 *   `/v1/refine-mask`, `/v1/fill-masked-areas`).
 *
 * The names are also Darkroom's budget classes, so they end up in Redis keys and metric labels:
 * renaming one moves every deployment's budget.
 */
export const rateLimitClasses = [
  'submit',
  'status',
  'submit-cutout',
  'status-cutout',
  'submit-mask',
] as const;
export type RateLimitClass = (typeof rateLimitClasses)[number];

/** At most `limit` requests in any span of `windowMs` milliseconds. */
export interface RateLimitWindow {
  readonly limit: number;
  readonly windowMs: number;
}

/** Adobe's two limits for one class; each holds in every one of its windows at once. */
export interface RateLimitClassLimits {
  /**
   * What Adobe asks clients to stay under. Darkroom's shared budget aims just below these; the
   * gap up to the hard limit absorbs the time a request spends between the grant and Adobe.
   */
  readonly soft: readonly RateLimitWindow[];
  /** Past these Adobe answers 429 with `Retry-After`; the emulator enforces them. */
  readonly hard: readonly RateLimitWindow[];
}

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;

const per = (limit: number, windowMs: number): RateLimitWindow =>
  Object.freeze({ limit, windowMs });

function limits(
  soft: readonly RateLimitWindow[],
  hard: readonly RateLimitWindow[],
): RateLimitClassLimits {
  return Object.freeze({ soft: Object.freeze([...soft]), hard: Object.freeze([...hard]) });
}

/** Masking has one published figure for each window: it is both what to aim under and the wall. */
const MASKING = [per(60, MINUTE), per(9_000, DAY)];

/**
 * Adobe's published rate limits for the Photoshop API, per class of call. They apply per client
 * credential across the whole organisation, so every process sharing a credential shares them.
 *
 * @see https://developer.adobe.com/firefly-services/docs/photoshop/getting_started/technical_usage_notes
 *   (Photoshop API technical usage notes, "Rate limits": general service, remove background
 *   service and masking service limits)
 */
export const adobeRateLimits: Readonly<Record<RateLimitClass, RateLimitClassLimits>> =
  Object.freeze({
    submit: limits(
      [per(15, 3 * SECOND), per(300, MINUTE)],
      [per(16, 3 * SECOND), per(320, MINUTE)],
    ),
    status: limits([per(300, 3 * SECOND)], [per(310, 3 * SECOND)]),
    'submit-cutout': limits([per(2, 3 * SECOND)], [per(3, 3 * SECOND)]),
    'status-cutout': limits([per(500, 3 * SECOND)], [per(1_000, 3 * SECOND)]),
    'submit-mask': limits(MASKING, MASKING),
  });
