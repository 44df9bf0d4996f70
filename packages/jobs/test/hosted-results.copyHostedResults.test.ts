import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NormalizedStatus } from '@darkroom/photoshop';
import { closeServer } from '@darkroom/core';
import {
  copyHostedResults,
  HostedCopyError,
  hostedLinks,
  siblingRef,
} from '../src/step-machine/hosted-results';
import { CallLog } from './support/call-log';
import { InMemoryStorage } from './support/in-memory-storage';

const MASK = Buffer.from('\x89PNG mask bytes');

/** A file host standing in for Adobe's: `/ok/*` serves a PNG, `/status/<code>` answers that code. */
function startHost(): Promise<{ server: Server; base: string; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const code = /^\/status\/(\d+)/.exec(req.url ?? '')?.[1];
    if (code) {
      res.writeHead(Number(code), { location: '/ok/elsewhere.png' }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'image/png' }).end(MASK);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits }),
    ),
  );
}

const statusListing = (...hrefs: string[]): NormalizedStatus => ({
  state: 'succeeded',
  outputs: hrefs.map((href) => ({ href, type: 'image/png' })),
  raw: {},
});

describe('copyHostedResults', () => {
  let host: Awaited<ReturnType<typeof startHost>>;
  beforeAll(async () => {
    host = await startHost();
  });
  afterAll(async () => {
    await closeServer(host.server);
  });

  it('copies each hosted file beside the JSON output once and names it there by ref', async () => {
    const signed = `${host.base}/ok/subject.png?sig=abc`;
    const document = {
      status: 'succeeded',
      semanticMasks: [{ label: 'subject', destination: { url: signed }, url: signed }],
      _links: { self: { href: `${host.base}/v1/status/1` } },
    };
    const storage = new InMemoryStorage(new CallLog());
    const copies = await copyHostedResults(
      storage,
      's3://out/run/shoe.json',
      document,
      statusListing(signed),
    );
    expect(copies).toEqual([{ ref: 's3://out/run/shoe.semanticMasks-0.png', size: MASK.length }]);
    expect(storage.objects.get('s3://out/run/shoe.semanticMasks-0.png')).toEqual(MASK);
    expect(document.semanticMasks[0]).toEqual({
      label: 'subject',
      destination: { ref: 's3://out/run/shoe.semanticMasks-0.png' },
      ref: 's3://out/run/shoe.semanticMasks-0.png',
    });
    expect(host.hits.filter((h) => h.startsWith('/ok/subject.png'))).toHaveLength(1);
  });

  it('leaves links the status does not list as results alone (the status link, echoed inputs)', () => {
    const input = `${host.base}/ok/input.jpg`;
    const links = hostedLinks(
      { image: { source: { url: input } }, _links: { self: { href: input } } },
      statusListing(),
    );
    expect(links).toEqual([]);
  });

  it.each([
    [503, true],
    [429, true],
    [404, false],
    [403, false],
    [302, false],
  ])(
    'a hosted link answering %i fails the copy, transient: %s, and writes nothing',
    async (code, transient) => {
      const url = `${host.base}/status/${code}`;
      const storage = new InMemoryStorage(new CallLog());
      const attempt = copyHostedResults(
        storage,
        'azure://acct/box/m.json',
        { mask: { destination: { url } } },
        statusListing(url),
      );
      await expect(attempt).rejects.toBeInstanceOf(HostedCopyError);
      await expect(attempt).rejects.toMatchObject({ transient });
      await expect(attempt).rejects.toThrow(new RegExp(`/status/${code} answered ${code}`));
      expect(storage.objects.size).toBe(0);
      // A redirect is not followed: the host never sees the request for its target.
      expect(host.hits).not.toContain('/ok/elsewhere.png');
    },
  );
});

describe('siblingRef', () => {
  it.each([
    ['s3://bucket/a/b/shoe.json', 'mask', 'image/png', 's3://bucket/a/b/shoe.mask.png'],
    [
      'azure://acct/box/shoe.json',
      'outputs-0',
      'image/jpeg',
      'azure://acct/box/shoe.outputs-0.jpg',
    ],
    ['dropbox:/Team/shoe', 'image', 'image/webp', 'dropbox:/Team/shoe.image.webp'],
    ['s3://bucket/x.y/answer.v2.json', 'mask', 'text/weird', 's3://bucket/x.y/answer.v2.mask.bin'],
  ])('%s + %s (%s) is %s', (ref, name, type, expected) => {
    expect(siblingRef(ref, name, type)).toBe(expected);
  });
});
