import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { guardAgainstLeaks } from '@darkroom/testing';
import { DarkroomApiError, DarkroomClient, type EditJobStatus, type RecipeRunStatus } from '../src';

guardAgainstLeaks();

const TOKEN = 'client-http-token';

interface Seen {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
}

type Answer = (req: IncomingMessage, res: ServerResponse, seen: Seen) => void;

/** A local HTTP server that records every request and answers it with `answer`. */
async function startServer(answer: Answer): Promise<{
  url: string;
  seen: Seen[];
  close(): Promise<void>;
}> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const request = {
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.authorization,
    };
    seen.push(request);
    answer(req, res, request);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

const json = (res: ServerResponse, status: number, body: unknown, type = 'application/json') => {
  res.writeHead(status, { 'content-type': type }).end(JSON.stringify(body));
};

const run = (state: RecipeRunStatus['state']): RecipeRunStatus => ({
  id: 'run-1',
  recipe: 'product-card',
  state,
  params: { sku: 'A-1' },
  account: 'default',
  round: 0,
  enqueuedAt: 1,
  steps: [],
});

const edit = (state: EditJobStatus['state']): EditJobStatus => ({
  id: 'e1',
  state,
  operation: 'v2.createComposite',
  account: 'default',
  step: 'poll',
  polls: 1,
  enqueuedAt: 1,
});

describe('DarkroomClient over real HTTP', () => {
  const servers: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
  });
  const serve = async (answer: Answer) => {
    const server = await startServer(answer);
    servers.push(server);
    return server;
  };

  it('sends the bearer token on every request, below a base URL given with a trailing slash', async () => {
    const server = await serve((_req, res) => json(res, 200, edit('waiting')));
    const client = new DarkroomClient({ baseUrl: `${server.url}/`, token: TOKEN });
    expect(await client.get('e1')).toEqual(edit('waiting'));
    expect(server.seen).toEqual([
      { method: 'GET', path: '/v1/edits/e1', query: {}, authorization: `Bearer ${TOKEN}` },
    ]);
  });

  it("throws DarkroomApiError with the producer's problem details, and names a proxy's error answer", async () => {
    const server = await serve((req, res) => {
      if (req.url?.startsWith('/v1/edits/e1')) {
        res.writeHead(429, {
          'content-type': 'application/problem+json',
          'retry-after': '120',
        });
        res.end(
          JSON.stringify({
            type: 'https://darkroom.dev/problems/quota_exceeded',
            title: "The tenant's daily quota is spent",
            status: 429,
            detail: 'tenant shop has used 5 of its 5 edits for today',
            instance: '/v1/edits/e1',
            code: 'quota_exceeded',
            issues: [{ path: 'tenant', rule: 'quota', message: 'spent' }],
          }),
        );
        return;
      }
      res.writeHead(502, { 'content-type': 'text/plain' }).end('Bad Gateway');
    });
    const client = new DarkroomClient({ baseUrl: server.url, token: TOKEN });
    const quota = await client.get('e1').catch((err: unknown) => err);
    expect(quota).toBeInstanceOf(DarkroomApiError);
    expect(quota).toMatchObject({
      status: 429,
      code: 'quota_exceeded',
      retryAfterSeconds: 120,
      issues: [{ path: 'tenant', rule: 'quota', message: 'spent' }],
      message:
        'GET /v1/edits/e1: 429 quota_exceeded: tenant shop has used 5 of its 5 edits for today',
    });
    const proxy = await client.cancel('e2').catch((err: unknown) => err);
    expect(proxy).toBeInstanceOf(DarkroomApiError);
    expect(proxy).toMatchObject({ status: 502, code: 'internal', issues: [] });
  });

  it('wait long-polls in rounds of at most maxWaitSeconds until the edit has ended', async () => {
    let polls = 0;
    const server = await serve((_req, res) => {
      polls += 1;
      json(res, 200, edit(polls < 3 ? 'active' : 'completed'));
    });
    const client = new DarkroomClient({ baseUrl: server.url, token: TOKEN, maxWaitSeconds: 1 });
    expect((await client.wait('e1', { timeoutMs: 30_000 })).state).toBe('completed');
    expect(server.seen.map((s) => s.query)).toEqual([{ wait: '1' }, { wait: '1' }, { wait: '1' }]);
  });

  it('wait answers the edit as it is now when its signal aborts the long-poll', async () => {
    let held: () => void = () => undefined;
    const waiting = new Promise<void>((resolve) => (held = resolve));
    const server = await serve((req, res) => {
      // The long-poll is held until the client gives up; a plain read answers at once.
      if (req.url?.includes('wait=')) held();
      else json(res, 200, edit('active'));
    });
    const client = new DarkroomClient({ baseUrl: server.url, token: TOKEN });
    const controller = new AbortController();
    const answer = client.wait('e1', { timeoutMs: 60_000, signal: controller.signal });
    await waiting;
    controller.abort();
    expect((await answer).state).toBe('active');
    expect(server.seen.map((s) => s.query)).toEqual([{ wait: '60' }, {}]);
  });

  it('list follows the cursors; listPage reads one page from a cursor', async () => {
    const server = await serve((_req, res, seen) => {
      const next = seen.query.cursor === undefined ? 'c1' : seen.query.cursor === 'c1' ? 'c2' : '';
      json(res, 200, { items: [edit('failed')], ...(next ? { cursor: next } : {}) });
    });
    const client = new DarkroomClient({ baseUrl: server.url, token: TOKEN });
    const pages = [];
    for await (const page of client.list({ state: ['failed', 'completed'], tenant: 'shop' })) {
      pages.push(page);
    }
    expect(pages.map((p) => p.cursor)).toEqual(['c1', 'c2', undefined]);
    expect(server.seen.map((s) => s.query)).toEqual([
      { state: 'failed,completed', tenant: 'shop' },
      { state: 'failed,completed', tenant: 'shop', cursor: 'c1' },
      { state: 'failed,completed', tenant: 'shop', cursor: 'c2' },
    ]);
    const one = await client.listPage({ state: 'failed', limit: 2, cursor: 'c1' });
    expect(one.cursor).toBe('c2');
    expect(server.seen.at(-1)?.query).toEqual({ state: 'failed', limit: '2', cursor: 'c1' });
  });

  it('usage, deadCallbacks and redeliverCallback call their routes', async () => {
    const server = await serve((req, res) => {
      if (req.method === 'POST') json(res, 202, { id: 'e1', callback: { state: 'pending' } });
      else json(res, 200, { items: [], since: 'a', until: 'b', tenants: [] });
    });
    const client = new DarkroomClient({ baseUrl: server.url, token: TOKEN });
    await client.usage({ since: '7d', tenant: 'shop' });
    await client.deadCallbacks({ limit: 10, cursor: 'x' });
    expect(await client.redeliverCallback('e1')).toEqual({
      id: 'e1',
      callback: { state: 'pending' },
    });
    expect(server.seen.map(({ method, path, query }) => ({ method, path, query }))).toEqual([
      { method: 'GET', path: '/v1/usage', query: { since: '7d', tenant: 'shop' } },
      { method: 'GET', path: '/v1/callbacks/dead', query: { limit: '10', cursor: 'x' } },
      { method: 'POST', path: '/v1/edits/e1/callback:redeliver', query: {} },
    ]);
  });

  it('recipes, runRecipe, runInline, getRun and retryRun call their routes with their bodies', async () => {
    const bodies: unknown[] = [];
    const server = await serve((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => {
        if (text) bodies.push(JSON.parse(text));
        if (req.url === '/v1/recipes')
          json(res, 200, { items: [{ name: 'c', params: {}, steps: ['a'] }] });
        else if (req.url?.endsWith(':retry')) json(res, 202, { id: 'run-1', state: 'waiting' });
        else if (req.method === 'POST') json(res, 201, { id: 'run-1', duplicate: false });
        else json(res, 200, run('running'));
      });
    });
    const client = new DarkroomClient({ baseUrl: server.url, token: TOKEN });
    expect(await client.recipes()).toEqual([{ name: 'c', params: {}, steps: ['a'] }]);
    const recipe = { name: 'c', steps: { a: { operation: 'v2.edit' as const, outputs: [{}] } } };
    expect(await client.runRecipe('product-card', { params: { sku: 'A-1' }, tenant: 't' })).toEqual(
      {
        id: 'run-1',
        duplicate: false,
      },
    );
    await client.runInline({ recipe, params: { n: 2 } });
    expect((await client.getRun('run-1')).state).toBe('running');
    expect(await client.retryRun('run-1')).toEqual({ id: 'run-1', state: 'waiting' });
    expect(server.seen.map(({ method, path }) => `${method} ${path}`)).toEqual([
      'GET /v1/recipes',
      'POST /v1/recipes/product-card/runs',
      'POST /v1/runs',
      'GET /v1/runs/run-1',
      'POST /v1/runs/run-1:retry',
    ]);
    expect(bodies).toEqual([
      { params: { sku: 'A-1' }, tenant: 't' },
      { recipe, params: { n: 2 } },
    ]);
  });

  it('waitForRun long-polls the run until it has ended, the time is up or its signal aborts', async () => {
    let reads = 0;
    const server = await serve((_req, res) => {
      reads += 1;
      json(res, 200, run(reads < 3 ? 'running' : 'failed'));
    });
    const client = new DarkroomClient({ baseUrl: server.url, token: TOKEN, maxWaitSeconds: 2 });
    expect((await client.waitForRun('run-1', { timeoutMs: 30_000 })).state).toBe('failed');
    expect(server.seen.map((s) => s.query)).toEqual([{ wait: '2' }, { wait: '2' }, { wait: '2' }]);

    reads = -1_000;
    const before = server.seen.length;
    const ranOut = await client.waitForRun('run-1', { timeoutMs: 300 });
    expect(ranOut.state).toBe('running');
    // Each long-poll asks for no more than the time left.
    const asked = server.seen.slice(before).map((s) => Number(s.query.wait));
    expect(asked[0]).toBeLessThanOrEqual(0.3);
    expect(asked.every((wait, i) => i === 0 || wait <= asked[i - 1]!)).toBe(true);
    const controller = new AbortController();
    controller.abort();
    const aborted = await client.waitForRun('run-1', { signal: controller.signal });
    expect(aborted.state).toBe('running');
    expect(server.seen.at(-1)).toMatchObject({ path: '/v1/runs/run-1', query: {} });
  });

  it('waitForRun of an unknown run throws DarkroomApiError not_found', async () => {
    const server = await serve((_req, res) => {
      json(
        res,
        404,
        {
          type: 'https://darkroom.dev/problems/not_found',
          title: 'Not found',
          status: 404,
          detail: 'no run run-2',
          instance: '/v1/runs/run-2',
          code: 'not_found',
        },
        'application/problem+json',
      );
    });
    const client = new DarkroomClient({ baseUrl: server.url, token: TOKEN });
    await expect(client.waitForRun('run-2')).rejects.toMatchObject({
      status: 404,
      code: 'not_found',
      message: 'GET /v1/runs/run-2: 404 not_found: no run run-2',
    });
  });
});
