import request from 'supertest';
import fc from 'fast-check';
import { guardAgainstLeaks } from '@darkroom/testing';
import { auth, errorOf, rendition, startApi, type ApiHarness } from './support/api-harness';

guardAgainstLeaks();

/** The reliability suite raises this (PRODUCER_FUZZ_RUNS=10000). */
const RUNS = Number(process.env.PRODUCER_FUZZ_RUNS ?? 1000);

const valid = rendition();

/** A valid job with one field replaced by anything, removed, or a field added. */
const mutatedJob = fc.oneof(
  fc
    .record({
      key: fc.constantFrom(...Object.keys(valid), 'inputs', 'priority', 'deadline', 'x'),
      value: fc.jsonValue(),
    })
    .map(({ key, value }) => ({ ...valid, [key]: value })),
  fc.constantFrom(...Object.keys(valid)).map((key) => {
    const copy: Record<string, unknown> = { ...valid };
    delete copy[key];
    return copy;
  }),
  fc.jsonValue().map((value) => ({
    ...valid,
    outputs: [{ ...valid.outputs[0], ref: value }],
  })),
);

/** Raw request bodies: broken JSON, JSON of the wrong shape, near-valid jobs and batches. */
const bodies = fc.oneof(
  { arbitrary: fc.string({ unit: 'binary' }).map((text) => ({ batch: false, text })), weight: 2 },
  { arbitrary: fc.json().map((text) => ({ batch: false, text })), weight: 2 },
  { arbitrary: fc.json().map((text) => ({ batch: true, text })), weight: 1 },
  {
    arbitrary: mutatedJob.map((job) => ({ batch: false, text: JSON.stringify(job) })),
    weight: 3,
  },
  {
    arbitrary: fc
      .array(fc.oneof(fc.constant<unknown>(valid), mutatedJob, fc.jsonValue()), {
        minLength: 1,
        maxLength: 8,
      })
      .map((jobs) => ({ batch: true, text: JSON.stringify({ jobs }) })),
    weight: 3,
  },
  {
    // Truncated JSON of a real job: the classic malformed body.
    arbitrary: fc
      .constant(JSON.stringify(valid))
      .chain((text) =>
        fc.nat(text.length - 1).map((cut) => ({ batch: false, text: text.slice(0, cut) })),
      ),
    weight: 1,
  },
);

describe('createServer with random and malformed bodies', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi({ maxBatch: 6 });
  });
  afterAll(() => api.close());

  const total = async (): Promise<number> =>
    Object.values(await api.edits.counts()).reduce((a, b) => a + b, 0);

  it(`never answers 5xx, always a JSON error naming fields, never a partial batch (${RUNS} runs)`, async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(bodies, async ({ batch, text }) => {
        const before = await total();
        const res = await request(api.server)
          .post(batch ? '/v1/edits:batch' : '/v1/edits')
          .set(auth)
          .set('content-type', 'application/json')
          .send(text);
        expect(res.status).toBeLessThan(500);
        expect(res.headers['content-type']).toMatch(
          res.status >= 400 ? /^application\/problem\+json/ : /^application\/json/,
        );
        const after = await total();
        seen.add(String(res.status));
        if (res.status >= 400) {
          const error = errorOf(res);
          seen.add(error.code);
          expect(typeof error.code).toBe('string');
          expect(typeof error.detail).toBe('string');
          expect(error.status).toBe(res.status);
          expect(error.type).toBe(`https://darkroom.dev/problems/${error.code}`);
          if (res.status === 400) {
            expect(error.issues?.length).toBeGreaterThan(0);
            for (const issue of error.issues ?? []) {
              expect(typeof issue.path).toBe('string');
              expect(typeof issue.rule).toBe('string');
            }
          }
          expect(after).toBe(before);
        } else {
          const added = batch ? (JSON.parse(text) as { jobs: unknown[] }).jobs.length : 1;
          expect(after).toBe(before + added);
        }
      }),
      { numRuns: RUNS },
    );
    // The generators reach every kind of answer, so the property is not vacuous.
    expect([...seen]).toEqual(
      expect.arrayContaining(['201', '400', 'invalid_json', 'invalid_request']),
    );
  });
});
