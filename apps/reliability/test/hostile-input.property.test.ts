import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import fc from 'fast-check';
import { EditJobValidationError, EditQueue } from '@darkroom/jobs';
import { createLogger } from '@darkroom/observability';
import { createServer } from '@darkroom/producer';
import { guardAgainstLeaks, redisUrl, uniqueName } from '@darkroom/testing';

guardAgainstLeaks();

/** 3,000 + 2,000 + 5,000: ten thousand hostile payloads in all. */
const ENQUEUE_RUNS = 3_000;
const BATCH_RUNS = 2_000;
const HTTP_RUNS = 5_000;
const TOKEN = 'reliability-token-8c1e';

const valid = {
  operation: 'renditionCreate',
  input: 's3://darkroom-in/photos/a.psd',
  outputs: [{ ref: 's3://darkroom-out/a.jpg', type: 'image/jpeg', width: 256 }],
};

/** Strings an attacker or a broken client sends: URLs, traversal, control bytes, huge text. */
const hostileString = fc.oneof(
  fc.constantFrom(
    'https://169.254.169.254/latest/meta-data/',
    'http://127.0.0.1:6379/',
    's3://bucket@127.0.0.1/key',
    'https://good\\@evil.example/x',
    'file:///etc/passwd',
    's3://../../etc/passwd',
    's3://bucket/%2e%2e/%2e%2e/x',
    'gopher://127.0.0.1:6379/_FLUSHALL',
    '__proto__',
    'constructor',
    '\u0000',
    '\r\nSet-Cookie: x=1',
    'x'.repeat(100_000),
    '',
  ),
  fc.string({ unit: 'binary' }),
  fc.webUrl(),
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.jsonValue(),
  fc.constantFrom(Number.NaN, Infinity, -0, 2 ** 64, null, undefined, true),
  fc.anything(),
);

/** A valid job with one field replaced, removed, nested wrongly or extended. */
const hostileJob: fc.Arbitrary<unknown> = fc.oneof(
  fc
    .record({
      key: fc.constantFrom(
        'operation',
        'input',
        'outputs',
        'options',
        'account',
        'tenant',
        'priority',
        'deadline',
        'idempotencyKey',
        '__proto__',
        'x',
      ),
      value: hostileValue,
    })
    .map(({ key, value }) => {
      const job: Record<string, unknown> = { ...valid };
      Object.defineProperty(job, key, { value, enumerable: true, writable: true });
      return job;
    }),
  hostileValue.map((ref) => ({ ...valid, outputs: [{ ...valid.outputs[0], ref }] })),
  hostileString.map((input) => ({ ...valid, input })),
  fc.anything(),
);

/** A job that is certainly invalid: a URL where only storage references are allowed. */
const urlJob = fc
  .tuple(fc.webUrl(), fc.constantFrom('input', 'ref'))
  .map(([url, where]) =>
    where === 'input'
      ? { ...valid, input: url }
      : { ...valid, outputs: [{ ...valid.outputs[0], ref: url }] },
  );

describe('hostile input at every entrance', () => {
  let edits: EditQueue;
  let server: Server;
  let url: string;

  const total = async (): Promise<number> =>
    Object.values(await edits.counts()).reduce((a, b) => a + b, 0);

  beforeAll(async () => {
    edits = new EditQueue({ connection: redisUrl(), queueName: uniqueName('hostile') });
    const app = createServer({
      edits,
      tokens: [TOKEN],
      logger: createLogger({ level: 'silent' }),
      maxBatch: 8,
    });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await edits.queue.obliterate({ force: true });
    await edits.close();
  });

  const checkIssues = (err: unknown): void => {
    expect(err).toBeInstanceOf(EditJobValidationError);
    const issues = (err as EditJobValidationError).issues;
    expect(issues.length).toBeGreaterThan(0);
    for (const issue of issues) {
      expect(typeof issue.path).toBe('string');
      expect(issue.rule).toEqual(expect.any(String));
      expect(issue.message.length).toBeGreaterThan(0);
    }
  };

  it(`EditQueue.enqueue answers ${ENQUEUE_RUNS} hostile jobs with a field-naming error or one job`, async () => {
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(hostileJob, async (job) => {
        const before = await total();
        const outcome = await edits.enqueue(job).then(
          (added) => ({ added }),
          (err: unknown) => ({ err }),
        );
        if ('added' in outcome) {
          // A repeated idempotency key returns the earlier job instead of adding one.
          expect(await total()).toBe(before + (outcome.added.duplicate ? 0 : 1));
        } else {
          refused += 1;
          checkIssues(outcome.err);
          expect(await total()).toBe(before);
        }
      }),
      { numRuns: ENQUEUE_RUNS },
    );
    expect(refused).toBeGreaterThan(ENQUEUE_RUNS / 2);
  }, 120_000);

  it(`EditQueue.enqueueMany refuses ${BATCH_RUNS} batches holding one bad job, adding nothing`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.constant<unknown>(valid), hostileJob), { maxLength: 6 }),
        urlJob,
        fc.nat(6),
        async (others, bad, at) => {
          const batch = [...others];
          batch.splice(Math.min(at, batch.length), 0, bad);
          const before = await total();
          const err = await edits.enqueueMany(batch).then(
            () => undefined,
            (e: unknown) => e,
          );
          checkIssues(err);
          // The URL's index is named, so the caller knows which line to fix.
          const index = Math.min(at, others.length);
          expect((err as EditJobValidationError).issues.map((i) => i.path)).toEqual(
            expect.arrayContaining([expect.stringMatching(new RegExp(`^\\[${index}\\]`))]),
          );
          expect(await total()).toBe(before);
        },
      ),
      { numRuns: BATCH_RUNS },
    );
  }, 120_000);

  it(`POST /v1/edits and /v1/edits:batch answer ${HTTP_RUNS} hostile bodies without a 5xx or a partial batch`, async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          hostileJob.map((job) => ({ path: '/v1/edits', body: job })),
          fc
            .array(hostileJob, { minLength: 1, maxLength: 8 })
            .map((jobs) => ({ path: '/v1/edits:batch', body: { jobs } })),
          fc
            .tuple(fc.array(fc.constant<unknown>(valid), { maxLength: 5 }), urlJob)
            .map(([jobs, bad]) => ({ path: '/v1/edits:batch', body: { jobs: [...jobs, bad] } })),
        ),
        async ({ path, body }) => {
          const text = JSON.stringify(body) ?? 'null';
          const before = await total();
          const res = await fetch(`${url}${path}`, {
            method: 'POST',
            headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
            body: text,
          });
          statuses.add(res.status);
          expect(res.status).toBeLessThan(500);
          // Errors are RFC 9457 problem details with Darkroom's `code` and `issues`.
          const reply = (await res.json()) as {
            code?: string;
            issues?: Array<{ path: string; rule: string }>;
          };
          const after = await total();
          if (res.status >= 400) {
            expect(typeof reply.code).toBe('string');
            if (res.status === 400 && reply.code === 'invalid_request') {
              expect(reply.issues?.length).toBeGreaterThan(0);
              for (const issue of reply.issues ?? []) {
                expect(typeof issue.path).toBe('string');
                expect(typeof issue.rule).toBe('string');
              }
            }
            expect(after).toBe(before);
          } else {
            const jobs = path === '/v1/edits' ? [body] : (body as { jobs: unknown[] }).jobs;
            // Jobs carrying an idempotency key seen before return the earlier job instead.
            const keyed = jobs.filter(
              (j) => typeof j === 'object' && j !== null && 'idempotencyKey' in j,
            ).length;
            expect(after - before).toBeGreaterThanOrEqual(jobs.length - keyed);
            expect(after - before).toBeLessThanOrEqual(jobs.length);
          }
        },
      ),
      { numRuns: HTTP_RUNS },
    );
    expect([...statuses]).toEqual(expect.arrayContaining([201, 400]));
  }, 120_000);
});
