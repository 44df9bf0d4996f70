/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment --
   events and replies are JSON documents that these tests read field by field */
import { guardAgainstLeaks, waitFor } from '@darkroom/testing';
import { type EmulatorOptions } from '../src';
import {
  type EventReceiver,
  startEventReceiver,
  selfHref,
  waitForDeliveries,
} from './support/event-receiver';
import { solidPng } from './support/fixtures';
import { type Harness, startHarness, statusLink } from './support/harness';

guardAgainstLeaks();

const ORG = 'A1B2C3@AdobeOrg';
const withOrg = { 'x-gw-ims-org-id': ORG };

/** An emulator with a receiver registered as its webhook (through the admin route). */
async function setUp(options: EmulatorOptions = {}, mode?: 'text' | 'json' | 'wrong') {
  const h = await startHarness(options);
  h.files.put('/in/red.png', await solidPng(8, 8, [255, 0, 0]));
  const receiver = await startEventReceiver(h.emulator.eventKeyOrigin, mode);
  const set = await fetch(`${h.emulator.url}/admin/events/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ webhookUrl: receiver.url }),
  });
  expect(await set.json()).toEqual({ webhookUrls: [receiver.url.split('?')[0]] });
  return { h, receiver, close: () => Promise.all([h.close(), receiver.close()]) };
}

const rendition = (h: Harness, name: string) => ({
  inputs: [{ href: `${h.files.url}/in/red.png`, storage: 'external' }],
  outputs: [{ href: `${h.files.url}/out/${name}.png`, storage: 'external', type: 'image/png' }],
});

const deliveries = waitForDeliveries;

describe('Adobe I/O Events webhook deliveries', () => {
  let h: Harness;
  let receiver: EventReceiver;
  let close: () => Promise<unknown>;
  beforeAll(async () => {
    ({ h, receiver, close } = await setUp());
  });
  afterAll(() => close());

  it('challenges the webhook once, then POSTs a signed photoshop-job-status event per job', async () => {
    const submitted = await h.post('/pie/psdService/renditionCreate', rendition(h, 'a'), withOrg);
    const link = statusLink(submitted);
    const status = await h.waitDone(link);
    const [delivery] = await deliveries(receiver, 1);
    expect(receiver.challenges).toHaveLength(1);
    expect(delivery?.verified).toBe(true);
    expect(delivery?.headers['content-type']).toBe('application/json');
    expect(delivery?.headers['x-adobe-event-code']).toBe('photoshop-job-status');
    expect(delivery?.headers['x-adobe-event-id']).toBe(delivery?.event.event_id);
    expect(delivery?.event).toEqual({
      event_id: expect.any(String),
      recipient_client_id: 'darkroom-dev',
      event: {
        header: {
          msgType: 'JOB_COMPLETION_STATUS',
          msgId: expect.any(String),
          imsOrgId: ORG,
          eventCode: 'photoshop-job-status',
          _adobeio: {
            imsOrgId: ORG,
            providerMetadata: 'di_event_code',
            eventCode: 'photoshop-job-status',
          },
        },
        // The status document exactly as the status read answered it.
        body: status.body,
      },
    });
    expect(delivery && selfHref(delivery.event)).toBe(link);

    const second = await h.post('/pie/psdService/renditionCreate', rendition(h, 'b'), withOrg);
    await h.waitDone(statusLink(second));
    await deliveries(receiver, 2);
    expect(receiver.challenges).toHaveLength(1);
    expect(h.emulator.stats().events).toMatchObject({
      published: 2,
      journaled: 2,
      deliveriesAttempted: 2,
      deliveriesSucceeded: 2,
      challengesPassed: 1,
    });
  });

  it('v2 and /v1/status bodies get jobId and a self link; failed jobs publish too', async () => {
    receiver.deliveries.length = 0;
    const v2 = await h.post(
      '/v2/remove-background',
      {
        image: { source: { url: `${h.files.url}/in/red.png` } },
        output: { mediaType: 'image/png', destination: { url: `${h.files.url}/out/rb.png` } },
      },
      withOrg,
    );
    const masking = await h.post(
      '/v1/mask-body-parts',
      {
        image: { source: { url: `${h.files.url}/in/red.png` } },
        mask: { source: { url: `${h.files.url}/in/red.png` } },
      },
      withOrg,
    );
    const v2Done = await h.waitDone(statusLink(v2));
    const maskingDone = await h.waitDone(statusLink(masking));
    await deliveries(receiver, 2);
    const byJob = new Map(receiver.deliveries.map((d) => [d.event.event.body.jobId, d.event]));
    const v2Event = byJob.get(v2.body.jobId);
    expect(v2Event?.event.body).toEqual({
      ...v2Done.body,
      _links: { self: { href: statusLink(v2) } },
    });
    expect(maskingDone.body.status).toBe('failed');
    expect(byJob.get(masking.body.jobId)?.event.body).toEqual({
      ...maskingDone.body,
      _links: { self: { href: statusLink(masking) } },
    });
  });

  it('publishes nothing for a job submitted without x-gw-ims-org-id', async () => {
    receiver.deliveries.length = 0;
    const before = h.emulator.stats().events.published;
    const plain = await h.post('/pie/psdService/renditionCreate', rendition(h, 'plain'));
    await h.waitDone(statusLink(plain));
    // With timeFactor 0 an event is published in the tick its status turns final: the count is
    // settled once a status read says so.
    expect(h.emulator.stats().events.published).toBe(before);
    const marked = await h.post('/pie/psdService/renditionCreate', rendition(h, 'org'), withOrg);
    await h.waitDone(statusLink(marked));
    await deliveries(receiver, 1);
    expect(receiver.deliveries.map((d) => selfHref(d.event))).toEqual([statusLink(marked)]);
  });
});

describe('event timing, handshake and retries', () => {
  it('is sent only once the status is final, never when the work alone has ended', async () => {
    const { h, receiver, close } = await setUp({
      timeFactor: 1,
      durations: { simple: { minMs: 400, maxMs: 400 }, pendingShare: 0 },
    });
    try {
      const sent = Date.now();
      const submitted = await h.post('/pie/psdService/renditionCreate', rendition(h, 't'), withOrg);
      const [delivery] = await deliveries(receiver, 1);
      expect(delivery?.at).toBeGreaterThanOrEqual(sent + 400);
      expect(delivery?.event.event.body).toMatchObject({ outputs: [{ status: 'succeeded' }] });
      const status = await h.get(statusLink(submitted));
      expect(status.body.outputs[0].status).toBe('succeeded');
    } finally {
      await close();
    }
  });

  it('accepts a JSON challenge answer; a webhook failing its challenge gets no deliveries', async () => {
    const json = await setUp({}, 'json');
    try {
      const ok = await json.h.post(
        '/pie/psdService/renditionCreate',
        rendition(json.h, 'j'),
        withOrg,
      );
      await json.h.waitDone(statusLink(ok));
      await deliveries(json.receiver, 1);
      expect(json.h.emulator.stats().events.challengesPassed).toBe(1);
    } finally {
      await json.close();
    }
    const wrong = await setUp({}, 'wrong');
    try {
      const job = await wrong.h.post(
        '/pie/psdService/renditionCreate',
        rendition(wrong.h, 'w'),
        withOrg,
      );
      await wrong.h.waitDone(statusLink(job));
      const events = await waitFor(
        () => {
          const stats = wrong.h.emulator.stats().events;
          return stats.challengesFailed === 1 ? stats : undefined;
        },
        { what: 'the challenge to fail' },
      );
      expect(events.rejectedWebhooks).toEqual([wrong.receiver.url.split('?')[0]]);
      expect(JSON.stringify(events)).not.toContain('hook-secret');
      expect(events.deliveriesAttempted).toBe(0);
      expect(wrong.receiver.deliveries).toHaveLength(0);
    } finally {
      await wrong.close();
    }
  });

  it('retries after a 500, a reset and a timeout with backoff, then gives up after maxAttempts', async () => {
    const { h, receiver, close } = await setUp({
      events: { retryBaseMs: 20, retryMaxMs: 40, maxAttempts: 4, deliveryTimeoutMs: 300 },
    });
    try {
      receiver.script.push(500, 'reset', 'hang');
      const job = await h.post('/pie/psdService/renditionCreate', rendition(h, 'r'), withOrg);
      await h.waitDone(statusLink(job));
      const got = await deliveries(receiver, 4);
      expect(new Set(got.map((d) => d.event.event_id)).size).toBe(1);
      // Backoff: 20 ms, 40 ms (the cap), 40 ms between the ends of attempts and the next ones.
      expect((got[1]?.at ?? 0) - (got[0]?.at ?? 0)).toBeGreaterThanOrEqual(20);
      await waitFor(() => h.emulator.stats().events.deliveriesSucceeded === 1, {
        what: 'the fourth attempt to succeed',
      });
      expect(h.emulator.stats().events).toMatchObject({
        deliveriesAttempted: 4,
        deliveriesFailed: 3,
        retries: 3,
        abandoned: 0,
      });

      receiver.script.push(503, 503, 503, 503);
      const lost = await h.post('/pie/psdService/renditionCreate', rendition(h, 'l'), withOrg);
      await h.waitDone(statusLink(lost));
      const events = await waitFor(
        () => {
          const stats = h.emulator.stats().events;
          return stats.abandoned === 1 ? stats : undefined;
        },
        { what: 'the delivery to be given up' },
      );
      expect(events.deliveriesAttempted).toBe(8);
      expect(await h.emulator.metrics()).toMatch(
        /emulator_event_deliveries_total\{outcome="failed"\} 7/,
      );
    } finally {
      await close();
    }
  });

  it('close() ends a pending retry at once', async () => {
    const { h, receiver, close } = await setUp({ events: { retryBaseMs: 60_000 } });
    receiver.script.push(500);
    const job = await h.post('/pie/psdService/renditionCreate', rendition(h, 'c'), withOrg);
    await h.waitDone(statusLink(job));
    await waitFor(() => h.emulator.stats().events.deliveriesFailed === 1, {
      what: 'the first attempt to fail',
    });
    const started = Date.now();
    await close();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(receiver.deliveries).toHaveLength(1);
  });
});
