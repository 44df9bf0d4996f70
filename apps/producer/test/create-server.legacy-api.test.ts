import { guardAgainstLeaks } from '@darkroom/testing';
import { rendition, startApi, TOKEN, type ApiHarness } from './support/api-harness';

guardAgainstLeaks();

describe('the HTTP API with retired Adobe APIs refused (DARKROOM_LEGACY_API=refuse)', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi({ legacyApi: 'refuse' });
  });
  afterAll(async () => {
    await api.close();
  });

  const post = (path: string, body: unknown) =>
    fetch(`${api.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('answers 400 naming the end of life and the v2 replacement, and stores nothing', async () => {
    const res = await post('/v1/edits', rendition());
    expect(res.status).toBe(400);
    const body = (await res.json()) as {
      issues: { path: string; rule: string; message: string }[];
    };
    expect(body.issues).toEqual([
      {
        path: 'operation',
        rule: 'retired_api',
        message: expect.stringContaining('retired on 2026-07-31; use v2.createComposite') as string,
      },
    ]);
    const batch = await post('/v1/edits:batch', { jobs: [rendition(1), rendition(2)] });
    expect(batch.status).toBe(400);
    expect((await api.edits.counts()).waiting ?? 0).toBe(0);
  });

  it('accepts the same edit on the v2 operation', async () => {
    const res = await post('/v1/edits', {
      operation: 'v2.createComposite',
      input: 's3://darkroom-in/photos/a.psd',
      outputs: [{ ref: 's3://darkroom-out/renditions/a.jpg', mediaType: 'image/jpeg', width: 512 }],
    });
    expect(res.status).toBe(201);
  });
});
