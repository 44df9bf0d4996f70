import { verifyWebhook } from '@darkroom/callbacks';
import { guardAgainstLeaks, type CallbackReceiver, uniqueName, waitFor } from '@darkroom/testing';
import { startCallbackStack, type CallbackStack } from './support/callback-stack';
import { cli } from './support/cli-harness';

guardAgainstLeaks();

/** The parts of the API's answers these tests read. */
interface ApiBody {
  id?: string;
  callback?: { state: string } & Record<string, unknown>;
  code?: string;
  issues?: unknown[];
  items?: { editId: string }[];
  paths?: Record<string, unknown>;
  components?: { schemas: Record<string, { properties: Record<string, unknown> }> };
}

describe('callbacks through the producer: intake, state, dead list, redelivery, CLI', () => {
  let app: CallbackReceiver;
  let env: Record<string, string>;
  let base = '';
  let input = '';
  let outBucket = '';
  let token = '';
  let secret = '';
  let running: CallbackStack | undefined;

  beforeAll(async () => {
    running = await startCallbackStack({
      name: 'callbacks-e2e',
      workers: 1,
      workerEnv: { DARKROOM_CALLBACK_MAX_ATTEMPTS: '2', DARKROOM_CALLBACK_RETRY_BASE_MS: '10' },
      // Paths under /broken answer 500 until the application is fixed.
      prepare: (receiver) => receiver.statusByPath.set('/broken', 500),
    });
    ({ app, env, base, input, outBucket, token, secret } = running);
  });
  afterAll(async () => {
    await running?.close();
  });

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as ApiBody };
  };
  const edit = (callbackUrl: string) => ({
    operation: 'renditionCreate',
    input,
    outputs: [{ ref: `s3://${outBucket}/${uniqueName('o')}.jpg`, type: 'image/jpeg' }],
    callback: { url: callbackUrl },
  });
  const callbackOf = (id: string, state: string) =>
    waitFor(
      async () => {
        const { body } = await api('GET', `/v1/edits/${id}`);
        return body.callback?.state === state ? body : null;
      },
      { what: `callback ${state}` },
    );

  it('refuses a loopback callback that is not allow-listed with a 400 naming callback.url', async () => {
    for (const [url, rule] of [
      ['http://127.0.0.1:9/hooks', 'https'],
      ['https://127.0.0.1:9/hooks', 'public-address'],
    ]) {
      const res = await api('POST', '/v1/edits', edit(url!));
      expect(res.status).toBe(400);
      expect(res.body.issues).toEqual([
        { path: 'callback.url', rule, message: expect.any(String) as string },
      ]);
    }
  });

  it('shows the delivery with the edit: one signed POST, delivered, target without query', async () => {
    const path = `/ok/${uniqueName('e')}`;
    const { status, body } = await api('POST', '/v1/edits', edit(`${app.origin}${path}?k=app`));
    expect(status).toBe(201);
    const done = await callbackOf(body.id as string, 'delivered');
    expect(done.callback).toMatchObject({
      attempts: 1,
      lastStatus: 204,
      type: 'edit.completed',
      target: `${app.origin}${path}`,
    });
    const posts = app.received.filter((r) => r.path.startsWith(path));
    expect(posts).toHaveLength(1);
    verifyWebhook({ headers: posts[0]!.headers, body: posts[0]!.body, secrets: [secret] });

    const status1 = await cli(['status', body.id as string], env);
    expect(status1.code).toBe(0);
    expect(status1.stdout).toMatch(
      new RegExp(`callback\\s+delivered after 1 attempt \\(HTTP 204\\) to ${app.origin}${path}\\n`),
    );
    expect(status1.stdout).not.toContain('k=app');
  });

  it('lists a dead callback and redelivers it through the API and the CLI', async () => {
    const path = `/broken/${uniqueName('d')}`;
    const first = (await api('POST', '/v1/edits', edit(`${app.origin}${path}`))).body.id as string;
    const second = (await api('POST', '/v1/edits', edit(`${app.origin}${path}-2`))).body
      .id as string;
    const dead = await callbackOf(first, 'dead');
    expect(dead.callback).toMatchObject({ attempts: 2, lastStatus: 500 });
    await callbackOf(second, 'dead');

    const list = await api('GET', '/v1/callbacks/dead?limit=1000');
    expect(list.status).toBe(200);
    const ids = (list.body.items ?? []).map((i) => i.editId);
    expect(ids).toEqual(expect.arrayContaining([first, second]));
    const listed = await cli(['callbacks', 'dead', '--json'], env);
    expect(listed.code).toBe(0);
    expect(listed.json<{ items: { editId: string }[] }>().items.map((i) => i.editId)).toEqual(
      expect.arrayContaining([first, second]),
    );

    app.statusByPath.delete('/broken');
    const again = await api('POST', `/v1/edits/${first}/callback:redeliver`);
    expect(again.status).toBe(202);
    await callbackOf(first, 'delivered');
    expect((await api('POST', `/v1/edits/${first}/callback:redeliver`)).body.code).toBe(
      'callback_not_dead',
    );

    const viaCli = await cli(['callbacks', 'redeliver', second], env);
    expect(viaCli.code).toBe(0);
    expect(viaCli.stdout).toContain(`${second}: callback queued again`);
    await callbackOf(second, 'delivered');
    expect((await cli(['callbacks', 'redeliver', second], env)).code).toBe(1);
    expect((await cli(['callbacks', 'redeliver', 'no-such-edit'], env)).code).toBe(4);
    expect((await api('POST', '/v1/edits/no-such-edit/callback:redeliver')).status).toBe(404);
  });

  it('documents the callback routes in the OpenAPI document', async () => {
    const { body } = await api('GET', '/openapi.json');
    expect(Object.keys(body.paths ?? {})).toEqual(
      expect.arrayContaining(['/v1/callbacks/dead', '/v1/edits/{id}/callback:redeliver']),
    );
    expect(body.components?.schemas.EditJobStatus?.properties.callback).toEqual({
      $ref: '#/components/schemas/CallbackStatus',
    });
  });
});
