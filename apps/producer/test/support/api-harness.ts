import type { LegacyPolicy } from '@darkroom/photoshop';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { closeAll, closeOnce, closeServer } from '@darkroom/core';
import { EditQueue, createWorkerConnection } from '@darkroom/jobs';
import type { EditJobResult, TenantConfig } from '@darkroom/jobs';
import { createLogger } from '@darkroom/observability';
import { redisUrl, uniqueName } from '@darkroom/testing';
import { Worker, type Job } from 'bullmq';
import { createServer, type ServerDeps } from '../../src';

export const TOKEN = 'test-token-4f1c2a';
export const auth = { Authorization: `Bearer ${TOKEN}` };

export const rendition = (n = 0, extra: Record<string, unknown> = {}) => ({
  operation: 'renditionCreate',
  input: 's3://darkroom-in/photos/a.psd',
  outputs: [{ ref: `s3://darkroom-out/renditions/a-${n}.jpg`, type: 'image/jpeg', width: 512 }],
  ...extra,
});

export interface ApiHarness {
  edits: EditQueue;
  server: Server;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Every log line written, parsed. */
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

/** A producer app on an ephemeral port over a fresh queue; `close()` obliterates the queue. */
export async function startApi(
  options: Partial<Omit<ServerDeps, 'edits' | 'logger'>> & {
    connection?: string;
    legacyApi?: LegacyPolicy;
    tenants?: TenantConfig;
  } = {},
): Promise<ApiHarness> {
  const { connection, legacyApi, tenants, ...rest } = options;
  const edits = new EditQueue({
    connection: connection ?? redisUrl(),
    queueName: uniqueName('producer'),
    ...(legacyApi ? { legacyApi } : {}),
    ...(tenants ? { tenants, fair: true } : {}),
    // The server is given the same prefix (`rest.scratch`), as `startProducer` does.
    ...(rest.scratch ? { scratch: rest.scratch } : {}),
  });
  const logs: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      }
      cb();
    },
  });
  const app = createServer({
    tokens: [TOKEN, 'second-token'],
    ...rest,
    edits,
    logger: createLogger({ destination }),
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    edits,
    server,
    url: `http://127.0.0.1:${port}`,
    logs,
    close: closeOnce(() =>
      closeAll([
        () => {
          server.closeAllConnections();
          return closeServer(server);
        },
        // A harness on a Redis of the test's own (one that is down, say) has nothing to clear.
        () => (connection ? undefined : edits.queue.obliterate({ force: true })),
        () => (connection ? undefined : edits.runs().queue.obliterate({ force: true })),
        () => edits.close(),
      ]),
    ),
  };
}

/** A real BullMQ worker on the harness queue that completes (or fails) each job it takes. */
export function startWorker(
  edits: EditQueue,
  outcome: (job: Job) => Promise<EditJobResult>,
): { close(): Promise<void> } {
  const connection = createWorkerConnection(redisUrl());
  const worker = new Worker(edits.queueName, outcome, { connection, prefix: edits.prefix });
  worker.on('error', () => undefined);
  return {
    close: closeOnce(() => closeAll([() => worker.close(), () => connection.disconnect()])),
  };
}

export function fakeResult(ref: string): EditJobResult {
  const now = Date.now();
  return {
    outputs: [{ ref, size: 1234 }],
    polls: 1,
    submits: 1,
    confirmedBy: 'status',
    timings: {
      enqueuedAt: now,
      startedAt: now,
      submittedAt: now,
      remoteFinishedAt: now,
      completedAt: now,
      queuedMs: 0,
      remoteMs: 0,
      detectionLagMs: 0,
    },
  };
}

/** An error answer: RFC 9457 problem details with Darkroom's `code` and `issues`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  issues?: { path: string; rule: string; message: string }[];
  [extension: string]: unknown;
}

/** The parsed JSON body of a supertest response, typed by the caller. */
export function bodyOf<T>(res: { body: unknown }): T {
  return res.body as T;
}

/**
 * The problem details of an error response, `issues` always an array (empty when absent). The
 * body is parsed from the text: supertest leaves `application/problem+json` unparsed.
 */
export function errorOf(res: { body: unknown; text?: string }): Required<Problem> {
  const problem = (res.text ? JSON.parse(res.text) : res.body) as Problem;
  return { ...problem, issues: problem.issues ?? [] };
}
