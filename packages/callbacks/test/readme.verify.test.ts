import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runInThisContext } from 'node:vm';
import { guardAgainstLeaks, waitFor } from '@darkroom/testing';
import ts from 'typescript';
import { generateSecret, signWebhook } from '../src';
import { startDispatcher, type DispatcherFixture } from './support/dispatcher-fixture';
import { startReceiver, type Receiver } from './support/receiver';

guardAgainstLeaks();

type Verify = (
  headers: Record<string, string | string[] | undefined>,
  rawBody: string,
  secret: string,
) => string;

/** The README's receiver snippet, compiled and loaded as a module of its own. */
async function readmeVerifier(): Promise<Verify> {
  const readme = await readFile(join(__dirname, '..', 'README.md'), 'utf8');
  const snippet = /```ts\n(import \{ createHmac[\s\S]*?)```/.exec(readme)?.[1];
  if (!snippet) throw new Error('the README has no verification snippet');
  const { outputText } = ts.transpileModule(snippet, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  });
  const load = runInThisContext(`(function (require, module, exports) {${outputText}\n})`) as (
    req: NodeJS.Require,
    module: { exports: Record<string, unknown> },
    exports: Record<string, unknown>,
  ) => void;
  const module = { exports: {} as Record<string, unknown> };
  load(require, module, module.exports);
  return module.exports.verifyDarkroomCallback as Verify;
}

describe("the README's verification snippet", () => {
  let receiver: Receiver;
  let fx: DispatcherFixture | undefined;
  afterEach(async () => {
    await fx?.close();
    await receiver.close();
  });

  it('accepts a real delivery signed during a rotation, and refuses a forged one', async () => {
    const verify = await readmeVerifier();
    const [oldSecret, newSecret] = [generateSecret(), generateSecret()];
    receiver = await startReceiver();
    const seen: string[] = [];
    // The application: it knows only the old secret, as it would mid-rotation.
    receiver.fallback = (res, req) => {
      try {
        seen.push(verify(req.headers, req.body, oldSecret));
        res.writeHead(204).end();
      } catch (err) {
        res.writeHead(401).end((err as Error).message);
      }
    };
    fx = await startDispatcher({
      allow: [receiver.hostPort],
      secrets: [newSecret, oldSecret],
      retry: { maxAttempts: 1 },
    });
    const { deliveryId } = await fx.dispatcher.enqueue({
      editId: 'readme-1',
      url: `${receiver.origin}/hooks`,
      type: 'edit.completed',
      data: { outputs: [] },
    });
    const view = await waitFor(async () => {
      const v = await fx!.dispatcher.getDelivery('readme-1');
      return v && v.state !== 'pending' ? v : undefined;
    });
    expect(view).toMatchObject({ state: 'delivered', lastStatus: 204 });
    expect(seen).toEqual([deliveryId]);

    const body = '{"type":"edit.completed","timestamp":"2025-01-01T00:00:00.000Z","data":{}}';
    const forged = signWebhook({
      id: 'msg_forged',
      timestamp: Math.floor(Date.now() / 1000),
      body,
      secrets: [generateSecret()],
    });
    const answer = await fetch(`${receiver.origin}/hooks`, {
      method: 'POST',
      headers: { ...forged },
      body,
    });
    expect(answer.status).toBe(401);
    expect(await answer.text()).toBe('invalid webhook signature');
    const stale = signWebhook({
      id: 'msg_old',
      timestamp: Math.floor(Date.now() / 1000) - 600,
      body,
      secrets: [oldSecret],
    });
    expect(() => verify({ ...stale }, body, oldSecret)).toThrow(
      'webhook timestamp too old or too new',
    );
  });
});
