import { guardAgainstLeaks } from '@darkroom/testing';
import {
  type EventReceiver,
  startEventReceiver,
  type JournalPage,
  selfHref,
  waitForDeliveries,
} from './support/event-receiver';
import { solidPng } from './support/fixtures';
import { type Harness, issueToken, startHarness, statusLink } from './support/harness';

guardAgainstLeaks();

const ORG_A = 'AAAA@AdobeOrg';
const ORG_B = 'BBBB@AdobeOrg';
const clients = [
  { clientId: 'client-a', clientSecret: 'secret-a', orgId: ORG_A },
  { clientId: 'client-b', clientSecret: 'secret-b', orgId: ORG_B },
  { clientId: 'darkroom-dev', clientSecret: 'darkroom-dev-secret' },
];

describe('Adobe I/O Events journal and event faults', () => {
  let h: Harness;
  let receiver: EventReceiver;
  const auth: Record<string, Record<string, string>> = {};

  const rendition = (name: string) => ({
    inputs: [{ href: `${h.files.url}/in/red.png`, storage: 'external' }],
    outputs: [{ href: `${h.files.url}/out/${name}.png`, storage: 'external', type: 'image/png' }],
  });
  /** Submits as `client` with its org header and waits for the final status. */
  const runJob = async (client: string, name: string, org?: string) => {
    const headers = { ...auth[client], 'x-gw-ims-org-id': org ?? clientOrg(client) };
    const submitted = await h.post('/pie/psdService/renditionCreate', rendition(name), headers);
    expect(submitted.status).toBe(202);
    await h.waitDone(statusLink(submitted));
    return statusLink(submitted);
  };
  const clientOrg = (client: string) => clients.find((c) => c.clientId === client)?.orgId ?? '';
  const journal = (client: string, query = '', extra: Record<string, string> = {}) =>
    fetch(`${h.emulator.url}/events/journal${query}`, { headers: { ...auth[client], ...extra } });
  const read = async (client: string, query = '', extra: Record<string, string> = {}) => {
    const reply = await journal(client, query, extra);
    expect(reply.status).toBe(200);
    return { reply, body: (await reply.json()) as JournalPage };
  };

  beforeAll(async () => {
    h = await startHarness({ clients, events: { journalSize: 4 } });
    h.files.put('/in/red.png', await solidPng(8, 8, [255, 0, 0]));
    for (const c of clients) {
      const token = await issueToken(h.emulator.url, c.clientId, c.clientSecret);
      auth[c.clientId] = {
        authorization: `Bearer ${String((token.body as { access_token: string }).access_token)}`,
        'x-api-key': c.clientId,
        'content-type': 'application/json',
      };
    }
    receiver = await startEventReceiver(h.emulator.eventKeyOrigin);
  });
  afterEach(() => {
    h.emulator.setFaults({});
    h.emulator.setEventWebhooks(undefined);
    receiver.deliveries.length = 0;
  });
  afterAll(() => Promise.all([h.close(), receiver.close()]));

  it('pages with since, limit and Link; 204 with retry-after when nothing is newer; bounded', async () => {
    const empty = await journal('client-a');
    expect([empty.status, empty.headers.get('retry-after')]).toEqual([204, '1']);
    const links = [];
    for (const name of ['p1', 'p2', 'p3']) links.push(await runJob('client-a', name));
    const first = await read('client-a', '?limit=2');
    expect(first.body._page).toEqual({ last: first.body.events[1]?.position, count: 2 });
    expect(first.body.events.map((e) => selfHref(e.event))).toEqual(links.slice(0, 2));
    const [a = '', b = ''] = first.body.events.map((e) => e.position);
    expect(a < b).toBe(true);
    const next = /^<([^>]+)>; rel="next"$/.exec(first.reply.headers.get('link') ?? '')?.[1];
    expect(next).toBe(`${h.emulator.url}/events/journal?since=${b}&limit=2`);
    const second = await fetch(next ?? '', { headers: auth['client-a'] });
    const page = (await second.json()) as JournalPage;
    expect(page.events.map((e) => selfHref(e.event))).toEqual([links[2]]);
    const last = /<([^>]+)>/.exec(second.headers.get('link') ?? '')?.[1];
    const done = await fetch(last ?? '', { headers: auth['client-a'] });
    expect([done.status, done.headers.get('retry-after')]).toEqual([204, '1']);
    // journalSize 4: two more events push the oldest out; `since` omitted starts at the oldest kept.
    for (const name of ['p4', 'p5']) links.push(await runJob('client-a', name));
    const all = await read('client-a');
    expect(all.body.events.map((e) => selfHref(e.event))).toEqual(links.slice(1));
  });

  it('shows each organization only its own events', async () => {
    const bJob = await runJob('client-b', 'b1');
    const devJob = await runJob('darkroom-dev', 'd1', 'DDDD@AdobeOrg');
    const b = await read('client-b');
    expect(b.body.events.map((e) => selfHref(e.event))).toEqual([bJob]);
    expect(b.body.events[0]?.event.event.header.imsOrgId).toBe(ORG_B);
    const a = await read('client-a');
    expect(JSON.stringify(a.body)).not.toContain(bJob);
    // A client without an org reads the org its header names; without one it is refused.
    const dev = await read('darkroom-dev', '', { 'x-gw-ims-org-id': 'DDDD@AdobeOrg' });
    expect(dev.body.events.map((e) => selfHref(e.event))).toEqual([devJob]);
    const none = await journal('darkroom-dev');
    expect(none.status).toBe(400);
    expect(await none.json()).toMatchObject({
      error_code: 'invalid_parameter',
      field: 'x-gw-ims-org-id',
    });
  });

  it('refuses a bad limit, a bad since and a missing token, naming each', async () => {
    for (const [query, field] of [
      ['?limit=0', 'limit'],
      ['?limit=abc', 'limit'],
      ['?since=zz', 'since'],
      ['?since=ffffffffffff', 'since'],
    ]) {
      const reply = await journal('client-a', query);
      expect(reply.status).toBe(400);
      expect(await reply.json()).toMatchObject({ error_code: 'invalid_parameter', field });
    }
    const anonymous = await fetch(`${h.emulator.url}/events/journal`);
    expect(anonymous.status).toBe(401);
  });

  /** Runs one job of org A with `faults` set and the receiver registered. */
  const withFaults = async (faults: object, name: string) => {
    h.emulator.setFaults({ events: faults });
    h.emulator.setEventWebhooks(receiver.url);
    return runJob('client-a', name);
  };
  const inJournal = async (link: string) => {
    const reply = await journal('client-a');
    return reply.status === 200 && JSON.stringify(await reply.json()).includes(link);
  };
  const faultCount = (kind: string) =>
    (h.emulator.stats().events.faults as Record<string, number>)[kind];

  it('dropRate: no webhook delivery, still in the journal', async () => {
    const before = h.emulator.stats().events.deliveriesAttempted;
    const link = await withFaults({ dropRate: 1 }, 'drop');
    expect(faultCount('drop')).toBe(1);
    expect(await inJournal(link)).toBe(true);
    // A dropped event is never handed to the deliveries: nothing can arrive later.
    expect(h.emulator.stats().events.deliveriesAttempted).toBe(before);
  });

  it('journalDropRate: delivered, but not in the journal', async () => {
    const link = await withFaults({ journalDropRate: 1 }, 'jdrop');
    const [delivery] = await waitForDeliveries(receiver, 1);
    expect(delivery && selfHref(delivery.event)).toBe(link);
    expect(await inJournal(link)).toBe(false);
    expect(faultCount('journalDrop')).toBe(1);
  });

  it('duplicateRate: delivered twice with the same event id', async () => {
    await withFaults({ duplicateRate: 1 }, 'dup');
    const got = await waitForDeliveries(receiver, 2);
    expect(got[0]?.event.event_id).toBe(got[1]?.event.event_id);
    expect(got.every((d) => d.verified)).toBe(true);
    expect(faultCount('duplicate')).toBe(1);
  });

  it('delayMs: the first attempt waits', async () => {
    const started = Date.now();
    await withFaults({ delayMs: 400 }, 'delay');
    const [delivery] = await waitForDeliveries(receiver, 1);
    expect(delivery?.at).toBeGreaterThanOrEqual(started + 400);
    expect(faultCount('delay')).toBe(1);
  });

  it('reorderRate: an event is held and delivered after the next one', async () => {
    const first = await withFaults({ reorderRate: 1 }, 'held');
    expect(faultCount('reorder')).toBe(1);
    expect(receiver.deliveries).toHaveLength(0);
    const second = await runJob('client-a', 'next');
    const got = await waitForDeliveries(receiver, 2);
    expect(got.map((d) => selfHref(d.event))).toEqual([second, first]);
  });

  it('badSignatureRate: both signatures fail the receiver’s check, so it is retried', async () => {
    h.emulator.setFaults({ events: { badSignatureRate: 1 } });
    h.emulator.setEventWebhooks(receiver.url);
    await runJob('client-a', 'bad');
    const got = await waitForDeliveries(receiver, 2);
    expect(got.slice(0, 2).map((d) => d.verified)).toEqual([false, false]);
    expect(faultCount('badSignature')).toBeGreaterThanOrEqual(2);
    expect(h.emulator.stats().events.retries).toBeGreaterThanOrEqual(1);
  });

  it('validates event faults like the others, naming the field', async () => {
    expect(() => h.emulator.setFaults({ events: { dropRate: 2 } })).toThrow(/dropRate/);
    const bad = await fetch(`${h.emulator.url}/admin/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ events: { reorderRate: -1, lateRate: 1 } }),
    });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { issues: Array<{ path: string }> };
    expect(body.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'events',
      'events.reorderRate',
    ]);
    const webhook = await fetch(`${h.emulator.url}/admin/events/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ webhookUrl: 'ftp://example.com/hook' }),
    });
    expect(webhook.status).toBe(400);
    h.emulator.setEventWebhooks([receiver.url]);
    const shown = await fetch(`${h.emulator.url}/admin/events/webhook`);
    expect(await shown.json()).toEqual({ webhookUrls: [receiver.url.split('?')[0]] });
    expect(h.emulator.stats().events.published).toBeGreaterThan(0);
    await fetch(`${h.emulator.url}/admin/reset`, { method: 'POST' });
    expect(h.emulator.stats().events).toMatchObject({ published: 0, deliveriesAttempted: 0 });
    expect(await webhook.json()).toMatchObject({
      error: 'invalid_webhook',
      issues: [{ path: 'webhookUrl' }],
    });
  });
});
