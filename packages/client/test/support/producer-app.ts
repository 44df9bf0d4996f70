import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeAll, closeOnce, closeServer } from '@darkroom/core';
import { EditQueue } from '@darkroom/jobs';
import { createLogger } from '@darkroom/observability';
import { createServer } from '@darkroom/producer';
import { redisUrl, uniqueName } from '@darkroom/testing';

export const TOKEN = 'client-test-token';

/** A producer app on an ephemeral port over a fresh queue; `close()` obliterates the queue. */
export async function startProducerApp(
  options: { maxWaitSeconds?: number; eventsIntervalMs?: number } = {},
): Promise<{ url: string; edits: EditQueue; close(): Promise<void> }> {
  const edits = new EditQueue({ connection: redisUrl(), queueName: uniqueName('client') });
  const app = createServer({
    edits,
    tokens: [TOKEN],
    logger: createLogger({ level: 'silent' }),
    ...options,
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    edits,
    close: closeOnce(() =>
      closeAll([
        () => {
          server.closeAllConnections();
          return closeServer(server);
        },
        () => edits.queue.obliterate({ force: true }),
        () => edits.close(),
      ]),
    ),
  };
}
