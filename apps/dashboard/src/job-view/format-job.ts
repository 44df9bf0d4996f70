import { redactSecrets, redactValue, stripUrlQuery } from '@darkroom/observability';

/** The fields an operator looks for first, in the order they are shown. */
const HEADLINE = [
  'operation',
  'account',
  'tenant',
  'step',
  'polls',
  'remoteJobId',
  'submittedAt',
  'reason',
] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The path of a status link: enough to find the job at Adobe, nothing that grants access. */
export function statusPath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return stripUrlQuery(url);
  }
}

/**
 * Job data or a return value as the board shows it: headline fields first, the status link as
 * a path, every other field kept but passed through the same redaction as logs (secret-named
 * fields replaced, URL-named fields without their query). Unknown fields are shown, redacted,
 * so a new field needs no change here.
 */
export function formatJobPayload(payload: unknown): unknown {
  const safe = redactValue(payload);
  if (!isRecord(safe)) return safe;
  const view: Record<string, unknown> = {};
  for (const key of HEADLINE) if (key in safe) view[key] = safe[key];
  const { statusUrl } = safe;
  if (typeof statusUrl === 'string') view.statusPath = statusPath(statusUrl);
  for (const [key, value] of Object.entries(safe)) {
    if (key === 'statusUrl' || key in view) continue;
    view[key] = value;
  }
  return view;
}

/**
 * The job's title in lists: its name, then operation, account and step when the data has them
 * (`autoTone · acct-a · poll`).
 */
export function formatJobName(job: unknown): string {
  if (!isRecord(job)) return '';
  const data = isRecord(job.data) ? job.data : {};
  const parts = [job.name, data.operation, data.account, data.step]
    .filter((p): p is string | number => typeof p === 'string' || typeof p === 'number')
    .map(String)
    .filter((p, i, all) => p.length > 0 && all.indexOf(p) === i);
  return redactSecrets(parts.join(' · '));
}
