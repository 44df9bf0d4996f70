import { randomUUID } from 'node:crypto';

export const CLIENT_ID = 'darkroom-events-client';

/** A `photoshop-job-status` payload shaped like Adobe's, for job `jobId`. */
export function jobStatusPayload(
  jobId: string,
  overrides: { eventCode?: string; recipient?: string | null; status?: string } = {},
): Record<string, unknown> {
  const eventCode = overrides.eventCode ?? 'photoshop-job-status';
  const payload: Record<string, unknown> = {
    event_id: randomUUID(),
    event: {
      header: {
        msgType: 'JOB_COMPLETION_STATUS',
        msgId: randomUUID(),
        imsOrgId: 'ORG1@AdobeOrg',
        eventCode,
        _adobeio: { imsOrgId: 'ORG1@AdobeOrg', eventCode },
      },
      body: {
        jobId,
        outputs: [{ status: overrides.status ?? 'succeeded', input: 'in.psd' }],
        _links: { self: { href: `https://image.adobe.io/pie/psdService/status/${jobId}` } },
      },
    },
  };
  if (overrides.recipient !== null) payload.recipient_client_id = overrides.recipient ?? CLIENT_ID;
  return payload;
}
