/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment --
   replies are JSON documents that these tests read field by field */
import { guardAgainstLeaks } from '@darkroom/testing';
import { createEmulator, type Emulator } from '../src';
import { issueToken, type Harness, startHarness } from './support/harness';

guardAgainstLeaks();

describe('IMS token endpoint', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await createEmulator({
      clients: [{ clientId: 'app-one', clientSecret: 's3cret' }],
      tokenLifetimeSeconds: 3600,
    });
  });
  afterAll(() => emulator.close());

  it('issues a bearer token for configured client credentials', async () => {
    const reply = await issueToken(emulator.url, 'app-one', 's3cret');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      access_token: expect.any(String),
      token_type: 'bearer',
      expires_in: 3600,
    });
  });

  it("answers IMS's invalid_client for a wrong secret or unknown client", async () => {
    for (const [id, secret] of [
      ['app-one', 'wrong'],
      ['nobody', 's3cret'],
    ] as const) {
      const reply = await issueToken(emulator.url, id, secret);
      expect(reply.status).toBe(400);
      expect(reply.body).toMatchObject({ error: 'invalid_client' });
      expect(JSON.stringify(reply.body)).not.toContain('s3cret');
    }
  });
});

describe('gateway checks', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      clients: [
        { clientId: 'darkroom-dev', clientSecret: 'darkroom-dev-secret' },
        { clientId: 'other', clientSecret: 'x' },
      ],
    });
  });
  afterAll(() => h.close());

  it('answers the hello endpoint with a valid token', async () => {
    const reply = await h.get('/pie/psdService/hello');
    expect([reply.status, reply.body]).toEqual([200, 'Welcome to the Photoshop API!']);
  });

  it('401 for a missing or unknown bearer token, on v1 and v2 alike', async () => {
    for (const path of ['/pie/psdService/renditionCreate', '/v2/create-composite']) {
      const missing = await h.post(path, {}, { authorization: '' });
      expect([missing.status, missing.body]).toEqual([
        401,
        { error_code: '401013', message: 'Oauth token is not valid' },
      ]);
      const unknown = await h.post(path, {}, { authorization: 'Bearer not-issued-here' });
      expect(unknown.status).toBe(401);
    }
    const status = await h.get('/pie/psdService/status/whatever', { authorization: 'Bearer nope' });
    expect(status.status).toBe(401);
  });

  it("403 when x-api-key is not the token's client", async () => {
    const reply = await h.post('/pie/psdService/renditionCreate', {}, { 'x-api-key': 'other' });
    expect([reply.status, reply.body]).toEqual([
      403,
      { error_code: '403003', message: 'Api Key is invalid' },
    ]);
  });

  it('401 once a token expires', async () => {
    const shortLived = await createEmulator({ tokenLifetimeSeconds: 0 });
    try {
      const issued = await issueToken(shortLived.url, 'darkroom-dev', 'darkroom-dev-secret');
      expect(issued.body.expires_in).toBe(0);
      const reply = await fetch(`${shortLived.url}/pie/psdService/hello`, {
        headers: {
          authorization: `Bearer ${String(issued.body.access_token)}`,
          'x-api-key': 'darkroom-dev',
        },
      });
      expect(reply.status).toBe(401);
    } finally {
      await shortLived.close();
    }
  });

  it('401 after tokens are revoked through the admin API', async () => {
    const emulator = await createEmulator();
    try {
      const issued = await issueToken(emulator.url, 'darkroom-dev', 'darkroom-dev-secret');
      const headers = {
        authorization: `Bearer ${String(issued.body.access_token)}`,
        'x-api-key': 'darkroom-dev',
      };
      expect((await fetch(`${emulator.url}/pie/psdService/hello`, { headers })).status).toBe(200);
      const revoked = await fetch(`${emulator.url}/admin/revoke-tokens`, { method: 'POST' });
      expect(await revoked.json()).toEqual({ revoked: 1 });
      expect((await fetch(`${emulator.url}/pie/psdService/hello`, { headers })).status).toBe(401);
    } finally {
      await emulator.close();
    }
  });
});
