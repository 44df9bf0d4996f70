import { EventPayloadError, parseEventDelivery, parseJobStatusEvents } from '../src';
import { jobStatusPayload } from './support/payloads';

function payloadError(run: () => unknown): EventPayloadError {
  try {
    run();
  } catch (err) {
    if (err instanceof EventPayloadError) return err;
    throw err;
  }
  throw new Error('expected an EventPayloadError');
}

describe('parseJobStatusEvents', () => {
  it('reads one payload into an ImagingJobEvent', () => {
    const payload = jobStatusPayload('job-1');
    const [event, ...rest] = parseJobStatusEvents(payload);
    expect(rest).toHaveLength(0);
    expect(event).toEqual({
      eventId: payload.event_id,
      recipientClientId: 'darkroom-events-client',
      imsOrgId: 'ORG1@AdobeOrg',
      eventCode: 'photoshop-job-status',
      jobId: 'job-1',
      body: (payload.event as { body: unknown }).body,
      statusHref: 'https://image.adobe.io/pie/psdService/status/job-1',
    });
  });

  it('reads the event code and org from _adobeio when the header lacks them', () => {
    const payload = jobStatusPayload('job-2', { recipient: null });
    const header = (payload.event as { header: Record<string, unknown> }).header;
    delete header.eventCode;
    delete header.imsOrgId;
    const [event] = parseJobStatusEvents(payload);
    expect(event).toMatchObject({ jobId: 'job-2', eventCode: 'photoshop-job-status' });
    expect(event?.imsOrgId).toBe('ORG1@AdobeOrg');
    expect(event).not.toHaveProperty('recipientClientId');
  });

  it('reads a batch and sets events of other codes apart', () => {
    const other = jobStatusPayload('x', { eventCode: 'com.adobe.other' });
    const delivery = parseEventDelivery([jobStatusPayload('a'), other, jobStatusPayload('b')]);
    expect(delivery.jobEvents.map((e) => e.jobId)).toEqual(['a', 'b']);
    expect(delivery.otherEvents).toEqual([
      {
        eventId: other.event_id,
        eventCode: 'com.adobe.other',
        recipientClientId: 'darkroom-events-client',
      },
    ]);
    expect(parseJobStatusEvents([other])).toEqual([]);
  });

  it('names the field and the rule of a bad shape, with the batch index', () => {
    const noJob = jobStatusPayload('j');
    delete (noJob.event as { body: Record<string, unknown> }).body.jobId;
    expect(payloadError(() => parseJobStatusEvents(noJob))).toMatchObject({
      field: 'event.body.jobId',
      rule: 'required',
    });

    const numericId = { ...jobStatusPayload('j'), event_id: 42 };
    expect(
      payloadError(() => parseJobStatusEvents([jobStatusPayload('ok'), numericId])),
    ).toMatchObject({
      field: '[1].event_id',
      rule: 'expected string',
    });

    const noCode = jobStatusPayload('j');
    (noCode.event as { header: unknown }).header = {};
    expect(payloadError(() => parseJobStatusEvents(noCode))).toMatchObject({
      field: 'event.header.eventCode',
      rule: 'required',
    });

    expect(payloadError(() => parseJobStatusEvents('text'))).toMatchObject({ field: '(root)' });
  });

  it('does not repeat payload values in its message', () => {
    const bad = { ...jobStatusPayload('j'), recipient_client_id: ['sig=abcdef'] };
    const error = payloadError(() => parseJobStatusEvents(bad));
    expect(error).toMatchObject({ field: 'recipient_client_id', rule: 'expected string' });
    expect(error.message).not.toContain('sig=abcdef');
  });
});
