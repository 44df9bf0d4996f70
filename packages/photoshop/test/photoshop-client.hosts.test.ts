import { closeAll } from '@darkroom/core';
import { guardAgainstLeaks } from '@darkroom/testing';
import { ImsTokenProvider, PhotoshopClient, SubmitOutcomeUnknownError } from '../src';
import { json, startAdobeDouble, type AdobeDouble } from './support/adobe-double';

guardAgainstLeaks();

const image = { source: { url: 'https://bucket.s3.amazonaws.com/in.jpg?X-Amz-Signature=x' } };

/** Two origins: `imageHost` stands for image.adobe.io (v1), `psHost` for photoshop-api.adobe.io. */
let imageHost: AdobeDouble;
let psHost: AdobeDouble;

beforeEach(async () => {
  [imageHost, psHost] = await Promise.all([startAdobeDouble(), startAdobeDouble()]);
  imageHost.route('POST', '/ims/token/v3', (_req, res) =>
    json(res, 200, { access_token: 't', token_type: 'bearer', expires_in: 86399 }),
  );
});

afterEach(() => closeAll([() => imageHost.close(), () => psHost.close()]));

function client(): PhotoshopClient {
  const auth = new ImsTokenProvider({
    imsBaseUrl: imageHost.origin,
    clientId: 'client-id',
    clientSecret: 'client-secret',
  });
  return new PhotoshopClient({
    baseUrls: { v1: imageHost.origin, v2: psHost.origin },
    apiKey: 'client-id',
    auth,
    timeoutMs: 2_000,
    retry: { retries: 0, baseDelayMs: 1 },
  });
}

describe('remove-background and masking are served by the v1 host', () => {
  it('v2.removeBackground posts to image.adobe.io and follows its /v2/status there', async () => {
    imageHost.route('POST', '/v2/remove-background', (_req, res) =>
      json(res, 202, { jobId: 'rb-1', statusUrl: `${imageHost.origin}/v2/status/rb-1` }),
    );
    imageHost.route('GET', '/v2/status/rb-1', (_req, res) =>
      json(res, 200, {
        jobId: 'rb-1',
        status: 'succeeded',
        result: { outputs: [{ destination: { url: 'https://out.example/c.png' } }] },
      }),
    );
    const c = client();
    const submitted = await c.submit('v2.removeBackground', {
      image,
      mode: 'cutout',
      output: { mediaType: 'image/png' },
    });
    expect(submitted).toEqual({ jobId: 'rb-1', statusUrl: `${imageHost.origin}/v2/status/rb-1` });
    const status = await c.getStatus(submitted.statusUrl, { operationId: 'v2.removeBackground' });
    expect(status.state).toBe('succeeded');
    expect(psHost.requests).toHaveLength(0);
  });

  it('masking: either reply form names the job, and /v1/status reads as the masking family', async () => {
    imageHost.route('POST', '/v1/mask-objects', (_req, res, n) =>
      n === 1
        ? json(res, 202, { jobId: 'm-1', statusUrl: `${imageHost.origin}/v1/status/m-1` })
        : json(res, 202, {
            jobId: 'm-2',
            _links: { self: { href: `${imageHost.origin}/v1/status/m-2` } },
          }),
    );
    imageHost.route('GET', '/v1/status/m-2', (_req, res) =>
      json(res, 200, {
        jobId: 'm-2',
        status: 'succeeded',
        semanticMasks: [
          { destination: { url: 'https://adobe.example/m.png' }, mediaType: 'image/png' },
        ],
        backgroundMasks: [],
      }),
    );
    const c = client();
    expect((await c.submit('maskObjects', { image })).jobId).toBe('m-1');
    const second = await c.submit('maskObjects', { image });
    expect(second).toEqual({ jobId: 'm-2', statusUrl: `${imageHost.origin}/v1/status/m-2` });
    const status = await c.getStatus(second.statusUrl);
    expect(status).toMatchObject({
      state: 'succeeded',
      jobId: 'm-2',
      outputs: [{ href: 'https://adobe.example/m.png', type: 'image/png' }],
    });
    expect(psHost.requests).toHaveLength(0);
  });

  it('a v2 operation of the other host still goes there, and a link-only reply is not a v2 reply', async () => {
    psHost.route('POST', '/v2/generate-manifest', (_req, res) =>
      json(res, 202, { _links: { self: { href: `${psHost.origin}/v2/status/x` } } }),
    );
    const err = await client()
      .submit('v2.generateManifest', {
        image,
        outputs: [
          {
            destination: { url: 'https://b.s3.amazonaws.com/m.json' },
            mediaType: 'application/json',
          },
        ],
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SubmitOutcomeUnknownError);
    expect(psHost.count('POST', '/v2/generate-manifest')).toBe(1);
    expect(imageHost.count('POST', '/v2/generate-manifest')).toBe(0);
  });
});
