import {
  HttpError,
  ImsTokenProvider,
  PhotoshopClient,
  RateLimitedError,
  SubmitOutcomeUnknownError,
  type NormalizedStatus,
} from '@darkroom/photoshop';
import { guardAgainstLeaks, waitFor } from '@darkroom/testing';
import { createEmulator, DEFAULT_CLIENT, type Emulator } from '../src';
import { solidPng } from './support/fixtures';
import { type FileServer, startFileServer } from './support/file-server';

guardAgainstLeaks();

/** Darkroom's own Photoshop client, pointed at the emulator: the contract both sides share. */
describe('Darkroom’s PhotoshopClient against the emulator', () => {
  let emulator: Emulator;
  let files: FileServer;
  let client: PhotoshopClient;

  beforeAll(async () => {
    files = await startFileServer();
    files.put('/in/red.png', await solidPng(10, 10, [255, 0, 0]));
    emulator = await createEmulator({
      timeFactor: 0,
      limits: { submit: [{ limit: 30, windowMs: 60_000 }] },
    });
    client = new PhotoshopClient({
      baseUrls: { v1: emulator.url, v2: emulator.url },
      apiKey: DEFAULT_CLIENT.clientId,
      auth: new ImsTokenProvider({
        imsBaseUrl: emulator.url,
        clientId: DEFAULT_CLIENT.clientId,
        clientSecret: DEFAULT_CLIENT.clientSecret,
      }),
      retry: { retries: 3, baseDelayMs: 5 },
    });
  });
  afterEach(() => emulator.setFaults({}));
  afterAll(async () => {
    await emulator.close();
    await files.close();
  });

  const poll = (statusUrl: string, operationId: string): Promise<NormalizedStatus> =>
    waitFor(
      async () => {
        const status = await client.getStatus(statusUrl, { operationId });
        return status.state === 'succeeded' || status.state === 'failed' ? status : undefined;
      },
      { timeoutMs: 10_000, what: `${operationId} to finish` },
    );

  it('says hello, submits and polls every family to a normalised status', async () => {
    expect(await client.hello()).toBe('Welcome to the Photoshop API!');
    const cases: Array<[string, unknown]> = [
      [
        'renditionCreate',
        {
          inputs: [{ href: `${files.url}/in/red.png`, storage: 'external' }],
          outputs: [
            { href: `${files.url}/out/r.jpg`, storage: 'external', type: 'image/jpeg', width: 5 },
          ],
        },
      ],
      ['documentManifest', { inputs: [{ href: `${files.url}/in/red.png`, storage: 'external' }] }],
      [
        'cutout',
        {
          input: { href: `${files.url}/in/red.png`, storage: 'external' },
          output: { href: `${files.url}/out/c.png`, storage: 'external' },
        },
      ],
      [
        'autoTone',
        {
          inputs: { href: `${files.url}/in/red.png`, storage: 'external' },
          outputs: [{ href: `${files.url}/out/t.png`, storage: 'external', type: 'image/png' }],
        },
      ],
      [
        'v2.createComposite',
        {
          image: { source: { url: `${files.url}/in/red.png` } },
          outputs: [{ destination: { url: `${files.url}/out/v2.png` }, mediaType: 'image/png' }],
        },
      ],
    ];
    for (const [operationId, body] of cases) {
      const { statusUrl } = await client.submit(operationId, body);
      const status = await poll(statusUrl, operationId);
      expect({ operationId, state: status.state, error: status.error }).toEqual({
        operationId,
        state: 'succeeded',
        error: undefined,
      });
      if (operationId === 'documentManifest') {
        expect(status.manifest?.document).toMatchObject({ width: 10, height: 10 });
      } else {
        expect(status.outputs.length).toBeGreaterThan(0);
      }
    }
  });

  it('sees a failed remote job with its error', async () => {
    const { statusUrl } = await client.submit('renditionCreate', {
      inputs: [{ href: `${files.url}/in/absent.png`, storage: 'external' }],
      outputs: [{ href: `${files.url}/out/x.jpg`, storage: 'external', type: 'image/jpeg' }],
    });
    const status = await poll(statusUrl, 'renditionCreate');
    expect(status.state).toBe('failed');
    expect(JSON.stringify(status.error)).toContain('FileExistsErrors');
  });

  it('sends a submit answered 5xx once: its outcome is unknown, and after acceptance the job exists', async () => {
    emulator.resetStats();
    emulator.setFaults({ submit: { errorRate: 1, errorStatuses: [503] } });
    const body = (name: string) => ({
      inputs: [{ href: `${files.url}/in/red.png`, storage: 'external' }],
      outputs: [{ href: `${files.url}/out/${name}.jpg`, storage: 'external', type: 'image/jpeg' }],
    });
    const refused = await client.submit('renditionCreate', body('y')).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SubmitOutcomeUnknownError);
    expect((refused as SubmitOutcomeUnknownError).status).toBe(503);
    // One attempt reached the service for that output; it did not become a job.
    expect(emulator.stats().submitAttemptsByLocation[`${files.url}/out/y.jpg`]).toBe(1);
    expect(emulator.stats().submitsByLocation[`${files.url}/out/y.jpg`]).toBeUndefined();

    // Adobe's gateway can answer 502 after the job was accepted: the same error, but a job runs.
    emulator.setFaults({ submit: { errorAfterAcceptRate: 1, errorAfterAcceptStatuses: [502] } });
    const ghost = await client.submit('renditionCreate', body('ghost')).catch((e: unknown) => e);
    expect((ghost as SubmitOutcomeUnknownError).status).toBe(502);
    expect(emulator.stats().jobsByLocation[`${files.url}/out/ghost.jpg`]).toHaveLength(1);
    await waitFor(() => files.get('/out/ghost.jpg'), {
      timeoutMs: 10_000,
      what: 'the job behind the 502 to write its output',
    });
  });

  it('retries a status read answered 5xx three times (four requests in all), as Adobe asks', async () => {
    emulator.setFaults({});
    const { statusUrl } = await client.submit('renditionCreate', {
      inputs: [{ href: `${files.url}/in/red.png`, storage: 'external' }],
      outputs: [{ href: `${files.url}/out/read.jpg`, storage: 'external', type: 'image/jpeg' }],
    });
    emulator.setFaults({ status: { errorRate: 1, errorStatuses: [503] } });
    const before = emulator.stats().clients[DEFAULT_CLIENT.clientId]?.statusGets ?? 0;
    await expect(
      client.getStatus(statusUrl, { operationId: 'renditionCreate' }),
    ).rejects.toBeInstanceOf(HttpError);
    expect((emulator.stats().clients[DEFAULT_CLIENT.clientId]?.statusGets ?? 0) - before).toBe(4);
  });

  it('reports 429 with the Retry-After wait, and a lost submit reply as an unknown outcome', async () => {
    emulator.setFaults({ throttle: { nextRequests: 1, retryAfterMs: 3000 } });
    const body = {
      inputs: [{ href: `${files.url}/in/red.png`, storage: 'external' }],
      outputs: [{ href: `${files.url}/out/z.jpg`, storage: 'external', type: 'image/jpeg' }],
    };
    const limited = await client.submit('renditionCreate', body).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect((limited as RateLimitedError).retryAfterMs).toBe(3000);

    emulator.setFaults({ submit: { dropAfterAcceptRate: 1 } });
    await expect(client.submit('renditionCreate', body)).rejects.toBeInstanceOf(
      SubmitOutcomeUnknownError,
    );
    expect(emulator.stats().submitsByLocation[`${files.url}/out/z.jpg`]).toBe(1);
  });
});
