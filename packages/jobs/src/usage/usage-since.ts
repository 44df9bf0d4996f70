import { JobsError } from '../errors/jobs-error';
import { USAGE_RETENTION_MS } from './tenant-usage';

/** How far back a usage report may reach. */
export const MAX_USAGE_WINDOW_MS = 7 * 86_400_000;

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A usage query that cannot be answered; `field` names the parameter, `rule` what it broke. */
export class UsageQueryError extends JobsError {
  constructor(
    readonly field: string,
    readonly rule: string,
    message: string,
  ) {
    super(message);
  }
}

const SINCE_RULE = 'since must be a duration such as 90m, 24h or 7d (at most 7d), or an ISO time';

/**
 * The start of a usage report: a duration back from `now` (`90m`, `24h`, `7d`, at most 7 days)
 * or an ISO-8601 time within the last 7 days.
 */
export function parseUsageSince(text: string, now = Date.now()): Date {
  const duration = /^(\d{1,6})([mhd])$/.exec(text.trim());
  let at: number;
  if (duration) {
    const ms = Number(duration[1]) * UNIT_MS[duration[2] as keyof typeof UNIT_MS];
    if (ms <= 0 || ms > MAX_USAGE_WINDOW_MS) {
      throw new UsageQueryError('since', 'range', `${SINCE_RULE}; got ${text}`);
    }
    at = now - ms;
  } else if (/^\d{4}-\d{2}-\d{2}T/.test(text) && !Number.isNaN(Date.parse(text))) {
    at = Date.parse(text);
    if (at > now || now - at > MAX_USAGE_WINDOW_MS) {
      throw new UsageQueryError(
        'since',
        'range',
        `since must lie in the last 7 days (usage is kept ${USAGE_RETENTION_MS / 86_400_000} days)`,
      );
    }
  } else {
    throw new UsageQueryError('since', 'format', SINCE_RULE);
  }
  return new Date(at);
}
