import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeAll, closeServer } from '@darkroom/core';
import { EditQueue } from '@darkroom/jobs';
import { createLogger } from '@darkroom/observability';
import { createServer } from '../src/server/create-server';

/** The producer's OpenAPI document as a producer serves it at `GET /openapi.json` (no token). */
export async function fetchDocument(baseUrl: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${baseUrl}/openapi.json`);
  if (!res.ok) throw new Error(`GET ${baseUrl}/openapi.json answered ${res.status}`);
  return (await res.json()) as Record<string, unknown>;
}

/**
 * The document of a producer app started here with the default limits, on the Redis of
 * `redisUrl` (serving the document touches no key).
 */
export async function localDocument(redisUrl: string): Promise<Record<string, unknown>> {
  const edits = new EditQueue({ connection: redisUrl });
  const app = createServer({ edits, tokens: [], logger: createLogger({ level: 'silent' }) });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  try {
    return await fetchDocument(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    await closeAll([() => closeServer(server), () => edits.close()]);
  }
}
