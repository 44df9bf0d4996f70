import { type JobRecord, phaseOf } from '../jobs/job-record';
import { statusDocument } from '../jobs/status-views';
import { statusFieldsOf } from '../operations/status-fields';

/** `/v1/status` names the first phase `not_started`, as its OpenAPI file does. */
const MASKING_PHASE = {
  pending: 'not_started',
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
} as const;

/**
 * The masking endpoints' `/v1/status` document (specs/v1/ffs-photoshop_api.json,
 * `JobStatusNotStarted` … `JobStatusFailed` and the per-operation `*JobApiResponse`): `jobId`
 * and `status`; once succeeded the operation's result fields at the top level; once failed
 * `error_code` and `message`. It carries no times.
 */
function maskingStatus(job: JobRecord, now: number): Record<string, unknown> {
  const phase = phaseOf(job, now);
  const doc: Record<string, unknown> = { jobId: job.id, status: MASKING_PHASE[phase] };
  if (phase === 'succeeded') Object.assign(doc, statusFieldsOf(job.result));
  if (phase === 'failed' && job.failure) {
    const f = job.failure;
    doc.error_code = f.type;
    doc.message = [f.title, ...f.details.map((d) => `${d.name}: ${d.reason}`)].join('; ');
  }
  return doc;
}

/**
 * The status document a job's status read answers: the masking endpoints' own document, or the
 * family's view (status-views.ts).
 */
export function statusDocumentFor(
  origin: string,
  job: JobRecord,
  now = Date.now(),
): Record<string, unknown> {
  if (job.op.statusFamily === 'masking') return maskingStatus(job, now);
  return statusDocument(origin, job, now);
}
