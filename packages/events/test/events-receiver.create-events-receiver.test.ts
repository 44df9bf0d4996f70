import { request } from 'node:http';
import { type ImagingJobEvent, PublicKeyStore, type Rejection, createEventsReceiver } from '../src';
import type { EventsReceiverOptions } from '../src';
import { type SigningKey, deliveryHeaders, signingKey, startKeyServer } from './support/adobe-keys';
import { guardAgainstLeaks, waitFor } from '@darkroom/testing';
import { startServer, type TestServer } from './support/http-server';
import { CLIENT_ID, jobStatusPayload } from './support/payloads';
import { send } from './support/post';

const key1 = signingKey('/prod/keys/pub-key-one.pem');
const key2 = signingKey('/prod/keys/pub-key-two.pem');
type DeliveryKeys = { key1?: SigningKey; key2?: SigningKey };

guardAgainstLeaks();

describe('createEventsReceiver', () => {
  let keyServer: TestServer;
  let receiver: TestServer | undefined;
  let handed: ImagingJobEvent[][];
  let rejections: Rejection[];

  async function startReceiver(overrides: Partial<EventsReceiverOptions> = {}): Promise<string> {
    const handler = createEventsReceiver({
      keys: new PublicKeyStore({ origin: keyServer.origin }),
      recipientClientId: CLIENT_ID,
      onEvents: (events) => {
        handed.push(events);
        return Promise.resolve();
      },
      onRejected: (rejection) => rejections.push(rejection),
      ...overrides,
    });
    receiver = await startServer(handler);
    return `${receiver.origin}/adobe/events`;
  }

  function deliver(url: string, payload: unknown, keys: DeliveryKeys = { key1, key2 }) {
    const body = JSON.stringify(payload);
    const headers = { 'content-type': 'application/json', ...deliveryHeaders(body, keys) };
    return send(url, { method: 'POST', body, headers });
  }

  beforeEach(async () => {
    handed = [];
    rejections = [];
    receiver = undefined;
    keyServer = await startKeyServer([key1, key2]);
  });
  afterEach(async () => {
    await receiver?.close();
    await keyServer.close();
  });

  it('hands over a signed delivery and answers 200 after onEvents resolved', async () => {
    const url = await startReceiver();
    const answer = await deliver(url, jobStatusPayload('job-1'));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ received: 1, ignored: 0 });
    expect(handed).toHaveLength(1);
    expect(handed[0]?.[0]).toMatchObject({ jobId: 'job-1', eventCode: 'photoshop-job-status' });
  });

  it('holds the answer until onEvents has resolved', async () => {
    let release = (): void => undefined;
    const url = await startReceiver({
      onEvents: (events) => {
        handed.push(events);
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      },
    });
    let answered = false;
    const answer = deliver(url, jobStatusPayload('job-1')).then((a) => {
      answered = true;
      return a;
    });
    await waitFor(() => handed.length === 1, { what: 'onEvents to be called' });
    expect(answered).toBe(false);
    release();
    expect((await answer).status).toBe(200);
  });

  it('accepts key 1 alone and key 2 alone', async () => {
    const url = await startReceiver();
    expect((await deliver(url, jobStatusPayload('a'), { key1 })).status).toBe(200);
    expect((await deliver(url, jobStatusPayload('b'), { key2 })).status).toBe(200);
    expect(handed.map((events) => events[0]?.jobId)).toEqual(['a', 'b']);
  });

  it('hands over a batch array in one call, leaving other event codes out', async () => {
    const url = await startReceiver();
    const batch = [
      jobStatusPayload('a'),
      jobStatusPayload('x', { eventCode: 'com.adobe.other' }),
      jobStatusPayload('b'),
    ];
    const answer = await deliver(url, batch);
    expect(JSON.parse(answer.text)).toEqual({ received: 2, ignored: 1 });
    expect(handed.map((events) => events.map((e) => e.jobId))).toEqual([['a', 'b']]);
  });

  it('fetches a key once across deliveries and fetches a new path when it appears', async () => {
    const url = await startReceiver();
    await deliver(url, jobStatusPayload('a'), { key1 });
    await deliver(url, jobStatusPayload('b'), { key1 });
    expect(keyServer.seen.map((r) => r.url)).toEqual([key1.path]);
    await deliver(url, jobStatusPayload('c'), { key2 });
    expect(keyServer.seen.map((r) => r.url)).toEqual([key1.path, key2.path]);
  });

  it('answers 401 naming the reason for a tampered body, and hands nothing over', async () => {
    const url = await startReceiver();
    const signed = JSON.stringify(jobStatusPayload('job-1'));
    const headers = { ...deliveryHeaders(signed, { key1, key2 }) };
    const tampered = signed.replace('job-1', 'job-2');
    const answer = await send(url, { method: 'POST', body: tampered, headers });
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.text)).toEqual({ error: 'signature_mismatch' });
    expect(answer.text).not.toContain(headers['x-adobe-digital-signature-1'] ?? '??');
    expect(handed).toHaveLength(0);
    expect(rejections).toEqual([{ status: 401, reason: 'signature_mismatch' }]);
  });

  it('answers 401 bad_key_path without any request reaching the key server', async () => {
    const url = await startReceiver();
    const body = JSON.stringify(jobStatusPayload('job-1'));
    const headers = deliveryHeaders(body, { key1 });
    headers['x-adobe-public-key1-path'] = '//127.0.0.1:1/evil.pem';
    const answer = await send(url, { method: 'POST', body, headers });
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.text)).toEqual({ error: 'bad_key_path' });
    expect(keyServer.seen).toHaveLength(0);
  });

  it('answers 401 missing_signature for an unsigned delivery', async () => {
    const url = await startReceiver();
    const answer = await send(url, { method: 'POST', body: JSON.stringify(jobStatusPayload('j')) });
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.text)).toEqual({ error: 'missing_signature' });
  });

  it('answers 400 naming the field for a signed payload of the wrong shape', async () => {
    const url = await startReceiver();
    const payload = jobStatusPayload('j');
    delete (payload.event as { body: Record<string, unknown> }).body.jobId;
    const answer = await deliver(url, payload);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toEqual({
      error: 'invalid_payload',
      field: 'event.body.jobId',
      rule: 'required',
    });
  });

  it('answers 400 invalid_json for signed bytes that are not JSON', async () => {
    const url = await startReceiver();
    const body = '{not json';
    const answer = await send(url, {
      method: 'POST',
      body,
      headers: deliveryHeaders(body, { key1 }),
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toEqual({ error: 'invalid_json' });
  });

  it('answers 403 when recipient_client_id is another integration or missing', async () => {
    const url = await startReceiver();
    const wrong = await deliver(url, jobStatusPayload('j', { recipient: 'someone-else' }));
    const missing = await deliver(url, jobStatusPayload('j', { recipient: null }));
    expect([wrong.status, missing.status]).toEqual([403, 403]);
    expect(JSON.parse(wrong.text)).toEqual({ error: 'recipient_mismatch' });
    expect(handed).toHaveLength(0);
  });

  it('does not check the recipient when no recipientClientId is configured', async () => {
    const url = await startReceiver({ recipientClientId: undefined });
    const answer = await deliver(url, jobStatusPayload('j', { recipient: null }));
    expect(answer.status).toBe(200);
  });

  it('answers 503 when onEvents fails, so Adobe delivers again', async () => {
    const url = await startReceiver({ onEvents: () => Promise.reject(new Error('redis down')) });
    const answer = await deliver(url, jobStatusPayload('j'));
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.text)).toEqual({ error: 'handler_failed' });
    expect(rejections[0]).toMatchObject({ status: 503, reason: 'handler_failed' });
    expect(rejections[0]?.error?.message).toBe('redis down');
  });

  it('answers the GET challenge with the value as plain text', async () => {
    const url = await startReceiver();
    const answer = await send(`${url}?challenge=8ec8d794-e0ab-42df-9017-e3dada8e84f7`);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^text\/plain/);
    expect(answer.text).toBe('8ec8d794-e0ab-42df-9017-e3dada8e84f7');
    expect((await send(url)).status).toBe(400);
  });

  it('answers the POST challenge with JSON', async () => {
    const url = await startReceiver();
    const answer = await send(url, {
      method: 'POST',
      body: JSON.stringify({ challenge: 'c-123' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(JSON.parse(answer.text)).toEqual({ challenge: 'c-123' });
    expect(handed).toHaveLength(0);
  });

  it('answers 413 for a declared length over maxBodyBytes without reading it', async () => {
    const url = await startReceiver({ maxBodyBytes: 1024 });
    const body = JSON.stringify({ pad: 'x'.repeat(4096) });
    const answer = await send(url, {
      method: 'POST',
      body,
      headers: deliveryHeaders(body, { key1 }),
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text)).toEqual({ error: 'body_too_large' });
    expect(keyServer.seen).toHaveLength(0);
  });

  it('answers 413 for a chunked body that grows past maxBodyBytes', async () => {
    const url = await startReceiver({ maxBodyBytes: 1024 });
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(url, { method: 'POST', headers: { 'transfer-encoding': 'chunked' } });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', (err) => (rejections.length > 0 ? undefined : reject(err)));
      req.write('x'.repeat(8192));
    });
    expect(status).toBe(413);
    expect(rejections).toEqual([{ status: 413, reason: 'body_too_large' }]);
  });

  it('uses a body express.raw() already read, and refuses one another parser consumed', async () => {
    const handler = createEventsReceiver({
      keys: new PublicKeyStore({ origin: keyServer.origin }),
      onEvents: (events) => {
        handed.push(events);
        return Promise.resolve();
      },
    });
    receiver = await startServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const parsed = req.url === '/raw' ? raw : (JSON.parse(raw.toString()) as unknown);
        handler(Object.assign(req, { body: parsed }), res);
      });
    });
    const body = JSON.stringify(jobStatusPayload('j'));
    const headers = deliveryHeaders(body, { key1 });
    const raw = await send(`${receiver.origin}/raw`, { method: 'POST', body, headers });
    const parsed = await send(`${receiver.origin}/json`, { method: 'POST', body, headers });
    expect(raw.status).toBe(200);
    expect(parsed.status).toBe(500);
    expect(JSON.parse(parsed.text)).toEqual({ error: 'body_already_parsed' });
  });

  it('answers 405 to other methods', async () => {
    const url = await startReceiver();
    const answer = await send(url, { method: 'PUT', body: '{}' });
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('GET, POST');
  });
});
