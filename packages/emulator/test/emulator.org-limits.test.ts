/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment --
   replies are JSON documents that these tests read field by field */
import { guardAgainstLeaks } from '@darkroom/testing';
import { DEFAULT_CLIENT, EmulatorOptionsError, resolveOptions } from '../src';
import { type Harness, issueToken, type Reply, startHarness } from './support/harness';

guardAgainstLeaks();

const ORG = 'C0FFEE@AdobeOrg';
const clients = [
  DEFAULT_CLIENT,
  { clientId: 'studio-a', clientSecret: 'secret-a', orgId: ORG },
  { clientId: 'studio-b', clientSecret: 'secret-b', orgId: ORG },
  { clientId: 'loner', clientSecret: 'secret-c' },
];

describe('rate limits per organization', () => {
  let h: Harness;
  const tokens = new Map<string, string>();
  beforeAll(async () => {
    h = await startHarness({ clients, limits: { submit: [{ limit: 2, windowMs: 60_000 }] } });
    for (const c of clients.slice(1)) {
      const issued = await issueToken(h.emulator.url, c.clientId, c.clientSecret);
      tokens.set(c.clientId, String(issued.body.access_token));
    }
  });
  afterAll(() => h.close());

  function submitAs(clientId: string, n: number, extra: Record<string, string> = {}) {
    return h.post(
      '/pie/psdService/renditionCreate',
      {
        inputs: [{ href: `${h.files.url}/in/none.png`, storage: 'external' }],
        outputs: [
          {
            href: `${h.files.url}/out/${clientId}-${n}.png`,
            storage: 'external',
            type: 'image/png',
          },
        ],
      },
      { authorization: `Bearer ${tokens.get(clientId) ?? ''}`, 'x-api-key': clientId, ...extra },
    );
  }

  it('refuses an x-gw-ims-org-id that is not the client’s organization, before charging the budget', async () => {
    const wrong: Reply = await submitAs('studio-a', 0, { 'x-gw-ims-org-id': 'other@AdobeOrg' });
    expect(wrong.status).toBe(403);
    expect(wrong.body).toEqual({
      error_code: 'ims_org_mismatch',
      message: expect.stringContaining('x-gw-ims-org-id'),
    });
    expect(JSON.stringify(wrong.body)).not.toContain(ORG);
    expect(h.emulator.stats().unauthorized).toBe(1);
  });

  it('shares one budget between two client ids of one org; another client keeps its own', async () => {
    const first = await submitAs('studio-a', 1, { 'x-gw-ims-org-id': ORG });
    const second = await submitAs('studio-a', 2);
    expect([first.status, second.status]).toEqual([202, 202]);
    // studio-b has sent nothing, yet its organization's budget is spent.
    const third = await submitAs('studio-b', 1, { 'x-gw-ims-org-id': ORG });
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after-ms'))).toBeGreaterThan(0);
    expect(third.body).toMatchObject({ type: 'TooManyRequests', code: 429 });
    // A client without an organization is limited alone; no org header is checked for it.
    const alone = await submitAs('loner', 1, { 'x-gw-ims-org-id': ORG });
    expect(alone.status).toBe(202);
    expect(h.emulator.stats().clients['studio-b']).toMatchObject({ throttled: 1, accepted: 0 });
  });
});

describe('client options', () => {
  it('name the client whose org id or client id is not allowed', () => {
    expect(() =>
      resolveOptions({ clients: [{ clientId: 'a', clientSecret: 's', orgId: ' ' }] }),
    ).toThrow(new EmulatorOptionsError('clients[0].orgId must not be empty when set'));
    expect(() =>
      resolveOptions({
        clients: [
          { clientId: 'a', clientSecret: 's' },
          { clientId: 'a', clientSecret: 't' },
        ],
      }),
    ).toThrow(new EmulatorOptionsError('clients[1].clientId must be unique'));
  });
});
