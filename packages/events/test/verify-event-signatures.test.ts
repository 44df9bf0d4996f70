import { guardAgainstLeaks } from '@darkroom/testing';
import { PublicKeyStore, verifyEventSignatures } from '../src';
import { deliveryHeaders, signBody, signingKey, startKeyServer } from './support/adobe-keys';
import type { TestServer } from './support/http-server';

const key1 = signingKey('/prod/keys/pub-key-one.pem');
const key2 = signingKey('/prod/keys/pub-key-two.pem');
const stranger = signingKey('/prod/keys/pub-key-one.pem');
const body = Buffer.from(JSON.stringify({ event_id: 'e1', event: { body: { jobId: 'j1' } } }));

guardAgainstLeaks();

describe('verifyEventSignatures', () => {
  let keyServer: TestServer;
  let keys: PublicKeyStore;
  beforeEach(async () => {
    keyServer = await startKeyServer([key1, key2]);
    keys = new PublicKeyStore({ origin: keyServer.origin });
  });
  afterEach(() => keyServer.close());

  it('accepts a body signed with key 1 alone', async () => {
    const check = await verifyEventSignatures(body, deliveryHeaders(body, { key1 }), keys);
    expect(check).toEqual({ valid: true, keyPath: key1.path });
  });

  it('does not fetch key 2 when key 1 verifies', async () => {
    const check = await verifyEventSignatures(body, deliveryHeaders(body, { key1, key2 }), keys);
    expect(check).toEqual({ valid: true, keyPath: key1.path });
    expect(keyServer.seen.map((r) => r.url)).toEqual([key1.path]);
  });

  it('accepts a body signed with key 2 alone', async () => {
    const check = await verifyEventSignatures(body, deliveryHeaders(body, { key2 }), keys);
    expect(check).toEqual({ valid: true, keyPath: key2.path });
  });

  it('accepts when signature 1 is wrong but signature 2 is right', async () => {
    const headers = deliveryHeaders(body, { key1, key2 });
    headers['x-adobe-digital-signature-1'] = signBody(body, stranger);
    const check = await verifyEventSignatures(body, headers, keys);
    expect(check).toEqual({ valid: true, keyPath: key2.path });
  });

  it('refuses a tampered body', async () => {
    const headers = deliveryHeaders(body, { key1, key2 });
    const tampered = Buffer.from(body.toString().replace('j1', 'j2'));
    const check = await verifyEventSignatures(tampered, headers, keys);
    expect(check).toEqual({ valid: false, reason: 'signature_mismatch' });
  });

  it('refuses a delivery without signatures', async () => {
    const check = await verifyEventSignatures(body, {}, keys);
    expect(check).toEqual({ valid: false, reason: 'missing_signature' });
    expect(keyServer.seen).toHaveLength(0);
  });

  it('refuses a bad key path without any request leaving', async () => {
    const headers = {
      'x-adobe-digital-signature-1': signBody(body, key1),
      'x-adobe-public-key1-path': '//attacker.example/key.pem',
    };
    const check = await verifyEventSignatures(body, headers, keys);
    expect(check).toEqual({ valid: false, reason: 'bad_key_path' });
    expect(keyServer.seen).toHaveLength(0);
  });

  it('reports key_unavailable when the key server has no such key', async () => {
    const headers = deliveryHeaders(body, { key1: signingKey('/prod/keys/unknown.pem') });
    const check = await verifyEventSignatures(body, headers, keys);
    expect(check).toEqual({ valid: false, reason: 'key_unavailable' });
  });
});
