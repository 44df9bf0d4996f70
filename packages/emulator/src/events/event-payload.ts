import { randomUUID } from 'node:crypto';
import { statusDocumentFor } from '../handlers/status-documents';
import { type JobRecord } from '../jobs/job-record';
import { statusUrl } from '../jobs/status-views';

/** The event code Adobe's Photoshop API publishes job completions under. */
export const PHOTOSHOP_EVENT_CODE = 'photoshop-job-status';

/** One Adobe I/O Events delivery of a Photoshop job's final status. */
export interface PhotoshopJobEvent {
  event_id: string;
  /** The client id that submitted the job. */
  recipient_client_id: string;
  event: {
    header: {
      msgType: 'JOB_COMPLETION_STATUS';
      msgId: string;
      imsOrgId: string;
      eventCode: typeof PHOTOSHOP_EVENT_CODE;
      _adobeio: { imsOrgId: string; providerMetadata: 'di_event_code'; eventCode: string };
    };
    /** The job's status document as a status read answers it, with `jobId` and a self link. */
    body: Record<string, unknown>;
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The event of a job whose status is final, for its organization. The body is the status
 * document of the job's family at `now`; documents without `jobId` or a self link (v2,
 * `/v1/status`) get them, since a receiver maps events to jobs by them.
 */
export function jobEvent(job: JobRecord, imsOrgId: string, now = Date.now()): PhotoshopJobEvent {
  const body = statusDocumentFor(job.origin, job, now);
  if (body.jobId === undefined) body.jobId = job.id;
  const links = isRecord(body._links) ? body._links : {};
  body._links = { ...links, self: { href: statusUrl(job.origin, job) } };
  return {
    event_id: randomUUID(),
    recipient_client_id: job.clientId,
    event: {
      header: {
        msgType: 'JOB_COMPLETION_STATUS',
        msgId: randomUUID(),
        imsOrgId,
        eventCode: PHOTOSHOP_EVENT_CODE,
        _adobeio: { imsOrgId, providerMetadata: 'di_event_code', eventCode: PHOTOSHOP_EVENT_CODE },
      },
      body,
    },
  };
}
