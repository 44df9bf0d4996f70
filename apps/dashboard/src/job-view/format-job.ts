import { apiLabelOf, isOperationId, retirementOf } from '@darkroom/photoshop';
import { redactSecrets, redactValue, stripUrlQuery } from '@darkroom/core';

/** The fields an operator looks for first, in the order they are shown. */
const HEADLINE = [
  'operation',
  'api',
  'account',
  'tenant',
  'run',
  'runPage',
  'step',
  'pickUps',
  'submitRounds',
  'polls',
  'submits',
  'rateLimited',
  'remoteJobId',
  'statusPath',
  'reason',
  'enqueuedAt',
  'startedAt',
  'submittedAt',
  'deadlineAt',
] as const;

/** Epoch milliseconds between 2001 and 2286: a field named `…At` in that range is a time. */
const EPOCH_MS = { min: 1e12, max: 1e13 };

export function isRecord(value: unknown): value is Record<string, unknown> {
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

/** Epoch-millisecond `…At` fields as ISO times, at any depth, so the view reads as dates. */
function readableTimes(value: unknown, key?: string): unknown {
  if (
    typeof value === 'number' &&
    key !== undefined &&
    /At$/.test(key) &&
    value >= EPOCH_MS.min &&
    value < EPOCH_MS.max
  ) {
    return new Date(value).toISOString();
  }
  if (Array.isArray(value)) return value.map((item) => readableTimes(item));
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = readableTimes(v, k);
  return out;
}

/**
 * Job data or a return value as the board shows it: headline fields first (the operation is
 * lifted out of `request` when it sits there), the status link as a path, times as ISO strings,
 * then every other field, unknown ones included, all through the same redaction as logs
 * (secret-named fields replaced, URL-named fields without their query, signed URLs and tokens
 * removed from any string).
 */
export function formatJobPayload(payload: unknown): unknown {
  const safe = readableTimes(redactValue(payload));
  if (!isRecord(safe)) return safe;
  const { statusUrl, ...rest } = safe;
  const fields: Record<string, unknown> = { ...rest };
  if (typeof statusUrl === 'string') fields.statusPath = statusPath(statusUrl);
  const request = isRecord(safe.request) ? safe.request : undefined;
  if (fields.operation === undefined && request?.operation !== undefined) {
    fields.operation = request.operation;
  }
  const api = typeof fields.operation === 'string' ? apiLabelOf(fields.operation) : undefined;
  if (api !== undefined) fields.api = api;
  return headlineFirst(fields);
}

/** The same fields, those an operator looks for first in their order, then every other one. */
export function headlineFirst(fields: Record<string, unknown>): Record<string, unknown> {
  const view: Record<string, unknown> = {};
  for (const key of HEADLINE) if (fields[key] !== undefined) view[key] = fields[key];
  for (const [key, value] of Object.entries(fields)) if (!(key in view)) view[key] = value;
  return view;
}

/**
 * The job's title in lists: its name, then operation, account and step when the data has them
 * (`edit · autoTone · acct-a · poll`).
 */
export function formatJobName(job: unknown): string {
  if (!isRecord(job)) return '';
  const data = isRecord(job.data) ? job.data : {};
  const request = isRecord(data.request) ? data.request : {};
  const operation: unknown = data.operation ?? request.operation;
  const legacy =
    typeof operation === 'string' && isOperationId(operation) && retirementOf(operation);
  const parts = [job.name, operation, data.account, data.step]
    .filter((p): p is string | number => typeof p === 'string' || typeof p === 'number')
    .map(String)
    .filter((p, i, all) => p.length > 0 && all.indexOf(p) === i)
    .map((p) => (legacy && p === operation ? `${p} (legacy)` : p));
  return redactSecrets(parts.join(' · '));
}
