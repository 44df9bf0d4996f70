import { randomBytes } from 'node:crypto';
import { guardAgainstLeaks, startDropboxDouble, type DropboxDouble } from '../src';

guardAgainstLeaks();

let double: DropboxDouble;

async function accessToken(): Promise<string> {
  const response = await fetch(double.tokenUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: double.refreshToken,
      client_id: double.appKey,
      client_secret: double.appSecret,
    }),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ token_type: 'bearer', expires_in: 14_400 });
  return body.access_token as string;
}

async function rpc(route: string, arg: unknown, token?: string): Promise<Response> {
  return fetch(`${double.apiBaseUrl}/2/${route}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify(arg),
  });
}

describe('startDropboxDouble', () => {
  // Inside the describe block so the double is closed before the leak guard's afterAll runs.
  beforeAll(async () => {
    double = await startDropboxDouble();
  });
  afterAll(async () => {
    await double.close();
  });

  it('issues access tokens only for the right app secret and refresh token', async () => {
    const wrong = await fetch(double.tokenUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: double.refreshToken,
        client_id: double.appKey,
        client_secret: 'not-the-secret',
      }),
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_client' });
    expect(typeof (await accessToken())).toBe('string');
  });

  it('enforces bearer auth on RPC calls', async () => {
    const missing = await rpc('files/get_metadata', { path: '/a.png' });
    expect(missing.status).toBe(400);
    await missing.text();
    const invalid = await rpc('files/get_metadata', { path: '/a.png' }, 'sl.made-up');
    expect(invalid.status).toBe(401);
    expect(await invalid.json()).toMatchObject({ error: { '.tag': 'invalid_access_token' } });
  });

  it('uploads once through a temporary upload link, then serves the file', async () => {
    const token = await accessToken();
    const bytes = randomBytes(1000);
    const linkReply = await rpc(
      'files/get_temporary_upload_link',
      { commit_info: { path: '/Out/Result.png', mode: 'overwrite' }, duration: 3600 },
      token,
    );
    expect(linkReply.status).toBe(200);
    const { link } = (await linkReply.json()) as { link: string };
    expect(link.startsWith(`${double.contentBaseUrl}/apitul/1/`)).toBe(true);

    const upload = await fetch(link, {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: bytes,
    });
    expect(upload.status).toBe(200);
    expect(await upload.json()).toHaveProperty('content-hash');
    const again = await fetch(link, { method: 'PUT', body: bytes });
    expect(again.status).toBe(410);
    await again.text();

    // Paths are case-insensitive, as on Dropbox.
    const meta = await rpc('files/get_metadata', { path: '/out/result.PNG' }, token);
    expect(await meta.json()).toMatchObject({
      '.tag': 'file',
      size: 1000,
      path_display: '/Out/Result.png',
    });
    const read = await rpc('files/get_temporary_link', { path: '/Out/Result.png' }, token);
    const { link: readLink, metadata } = (await read.json()) as {
      link: string;
      metadata: { size: number };
    };
    expect(metadata.size).toBe(1000);
    const download = await fetch(readLink);
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('answers a missing path with path/not_found', async () => {
    const token = await accessToken();
    const reply = await rpc('files/get_metadata', { path: '/nothing/here.png' }, token);
    expect(reply.status).toBe(409);
    expect(await reply.json()).toEqual({
      error_summary: 'path/not_found/..',
      error: { '.tag': 'path', path: { '.tag': 'not_found' } },
    });
  });

  it('refuses an add-mode upload over an existing file without autorename', async () => {
    const token = await accessToken();
    double.putFile('/taken.png', Buffer.from('first'));
    const reply = await rpc(
      'files/get_temporary_upload_link',
      { commit_info: { path: '/taken.png', mode: 'add', autorename: false } },
      token,
    );
    const { link } = (await reply.json()) as { link: string };
    const upload = await fetch(link, {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: 'second',
    });
    expect(upload.status).toBe(409);
    await upload.text();
    expect(double.readFile('/taken.png')?.toString()).toBe('first');
  });

  it('expires links and access tokens when its clock moves past four hours', async () => {
    const token = await accessToken();
    double.putFile('/old.png', Buffer.from('x'));
    const read = (await (
      await rpc('files/get_temporary_link', { path: '/old.png' }, token)
    ).json()) as { link: string };
    const write = (await (
      await rpc('files/get_temporary_upload_link', { commit_info: { path: '/new.png' } }, token)
    ).json()) as { link: string };
    double.advanceClock(14_401);
    const download = await fetch(read.link);
    expect(download.status).toBe(410);
    await download.text();
    const upload = await fetch(write.link, {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: 'x',
    });
    expect(upload.status).toBe(410);
    await upload.text();
    const expired = await rpc('files/get_metadata', { path: '/old.png' }, token);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ error: { '.tag': 'expired_access_token' } });
  });

  it('can hand out shorter-lived read links', async () => {
    const short = await startDropboxDouble({ readLinkTtlSeconds: 60 });
    try {
      const tokenReply = await fetch(short.tokenUrl, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: short.refreshToken,
          client_id: short.appKey,
          client_secret: short.appSecret,
        }),
      });
      const { access_token } = (await tokenReply.json()) as { access_token: string };
      short.putFile('/a.png', Buffer.from('a'));
      const reply = await fetch(`${short.apiBaseUrl}/2/files/get_temporary_link`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${access_token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ path: '/a.png' }),
      });
      const { link } = (await reply.json()) as { link: string };
      short.advanceClock(59);
      const fresh = await fetch(link);
      expect(fresh.status).toBe(200);
      await fresh.arrayBuffer();
      short.advanceClock(2);
      const stale = await fetch(link);
      expect(stale.status).toBe(410);
      await stale.arrayBuffer();
    } finally {
      await short.close();
    }
  });

  it("fails RPC calls on request in Dropbox's shapes, then serves normally", async () => {
    const token = await accessToken();
    double.failNextRpcCalls(1, 429, 9);
    const limited = await rpc('files/get_metadata', { path: '/a.png' }, token);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('9');
    expect(await limited.json()).toEqual({
      error_summary: 'too_many_requests/..',
      error: { reason: { '.tag': 'too_many_requests' }, retry_after: 9 },
    });
    double.failNextRpcCalls(1, 503);
    const down = await rpc('files/get_metadata', { path: '/a.png' }, token);
    expect(down.status).toBe(503);
    await down.text();
    const after = await rpc('files/get_metadata', { path: '/a.png' }, token);
    expect(after.status).toBe(409);
    await after.text();
  });

  it('drops the connection of a call told to reset, and holds one told to stall', async () => {
    const token = await accessToken();
    double.failNextRpcCalls(1, 'reset');
    await expect(rpc('files/get_metadata', { path: '/a.png' }, token)).rejects.toThrow(
      'fetch failed',
    );
    double.failNextRpcCalls(1, 'stall');
    const stalled = fetch(`${double.apiBaseUrl}/2/files/get_metadata`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ path: '/a.png' }),
      signal: AbortSignal.timeout(300),
    });
    await expect(stalled).rejects.toMatchObject({ name: 'TimeoutError' });
    const after = await rpc('files/get_metadata', { path: '/a.png' }, token);
    expect(after.status).toBe(409);
    await after.text();
  });

  it('closes idempotently', async () => {
    const other = await startDropboxDouble();
    const first = other.close();
    expect(other.close()).toBe(first);
    await first;
    await expect(fetch(other.tokenUrl, { method: 'POST' })).rejects.toThrow();
  });
});
