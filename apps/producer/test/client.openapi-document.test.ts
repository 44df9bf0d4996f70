import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { EditJobValidationError, exampleRecipes, validateEditJob } from '@darkroom/jobs';
import { guardAgainstLeaks } from '@darkroom/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchDocument } from '../scripts/producer-document';
import type { OperationId } from '@darkroom/client';
import { startApi } from './support/api-harness';
import { runGenerator } from './support/client-generator';
import { sampleJobs } from './support/client-sample-jobs';

guardAgainstLeaks();

type Json = Record<string, unknown>;
interface Operation {
  operationId?: string;
  responses: Record<string, { content?: Record<string, unknown> }>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** The operations the document describes, as `METHOD /path` → operation. */
function operationsOf(doc: Json): Map<string, Operation> {
  const found = new Map<string, Operation>();
  for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
    for (const [method, op] of Object.entries(item)) {
      if (METHODS.includes(method)) found.set(`${method.toUpperCase()} ${path}`, op as Operation);
    }
  }
  return found;
}

/** A validator of the document's component `name` (JSON Schema 2020-12, as OpenAPI 3.1 uses). */
function componentValidator(doc: Json, name: string) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...doc, $id: 'https://darkroom.dev/openapi.json' });
  return ajv.compile({ $ref: `https://darkroom.dev/openapi.json#/components/schemas/${name}` });
}

/** Whether intake (`EditQueue`'s validation) accepts the job. */
async function intakeAccepts(job: unknown): Promise<boolean> {
  try {
    await validateEditJob(job, { legacyApi: 'allow' });
    return true;
  } catch (err) {
    if (err instanceof EditJobValidationError) return false;
    throw err;
  }
}

describe("the producer's OpenAPI document", () => {
  let doc: Json;
  beforeAll(async () => {
    const producer = await startApi();
    try {
      // Served without a token: it describes the API, it does not act.
      doc = await fetchDocument(producer.url);
    } finally {
      await producer.close();
    }
  });

  it('is valid OpenAPI 3.1, and the validator does refuse a broken document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const dir = mkdtempSync(join(tmpdir(), 'darkroom-openapi-'));
    try {
      const paths = doc.paths as Record<string, Record<string, Json>>;
      const broken = {
        ...doc,
        paths: {
          ...paths,
          '/v1/usage': {
            get: { ...paths['/v1/usage']?.get, parameters: [{ name: 'x', in: 'body' }] },
          },
        },
      };
      writeFileSync(join(dir, 'good.json'), JSON.stringify(doc));
      writeFileSync(join(dir, 'broken.json'), JSON.stringify(broken));
      const [good, bad] = await Promise.all([
        runGenerator(['--file', join(dir, 'good.json')]),
        runGenerator(['--file', join(dir, 'broken.json')]),
      ]);
      expect([good.code, good.stderr]).toEqual([0, '']);
      expect(good.stdout).toContain("'/v1/edits/{id}:retry'");
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(
        /`in` can be one of .* at #\/paths\/~1v1~1usage\/get\/parameters\/0\/in/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names every operation with a unique camelCase operationId', () => {
    const ids = Object.fromEntries(
      [...operationsOf(doc)].map(([route, op]) => [route, op.operationId]),
    );
    expect(ids).toEqual({
      'POST /v1/edits': 'enqueueEdit',
      'GET /v1/edits': 'listEdits',
      'POST /v1/edits:batch': 'enqueueBatch',
      'GET /v1/edits/{id}': 'getEdit',
      'DELETE /v1/edits/{id}': 'cancelEdit',
      'POST /v1/edits/{id}:retry': 'retryEdit',
      'GET /v1/edits/{id}/events': 'streamEditEvents',
      'GET /v1/batches/{id}': 'getBatch',
      'GET /v1/callbacks/dead': 'listDeadCallbacks',
      'POST /v1/edits/{id}/callback:redeliver': 'redeliverCallback',
      'GET /v1/usage': 'getUsage',
      'GET /v1/recipes': 'listRecipes',
      'POST /v1/recipes/{name}/runs': 'runRecipe',
      'POST /v1/runs': 'runInlineRecipe',
      'GET /v1/runs/{id}': 'getRun',
      'POST /v1/runs/{id}:retry': 'retryRun',
      'GET /healthz': 'getHealth',
      'GET /readyz': 'getReadiness',
      'GET /openapi.json': 'getOpenApiDocument',
    });
    for (const id of Object.values(ids)) expect(id).toMatch(/^[a-z][A-Za-z]*$/);
  });

  it('answers every error as application/problem+json', () => {
    for (const [route, op] of operationsOf(doc)) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400) continue;
        expect([route, status, Object.keys(response.content ?? {})]).toEqual([
          route,
          status,
          ['application/problem+json'],
        ]);
      }
    }
  });

  it('types the edit job as a oneOf discriminated by operation, one schema per operation', () => {
    const editJob = (doc.components as { schemas: Record<string, Json> }).schemas.EditJob;
    const mapping = (editJob?.discriminator as { mapping: Record<string, string> }).mapping;
    expect(editJob?.discriminator).toMatchObject({ propertyName: 'operation' });
    expect(Object.keys(mapping).sort()).toEqual(Object.keys(sampleJobs).sort());
    expect((editJob?.oneOf as unknown[]).length).toBe(Object.keys(mapping).length);
  });

  it.each(Object.keys(sampleJobs) as OperationId[])(
    '%s: a sample job validates against its schema, as intake accepts it',
    async (operation) => {
      const validate = componentValidator(doc, 'EditJob');
      const job = { operation, ...sampleJobs[operation] };
      expect(validate(job) ? [] : validate.errors).toEqual([]);
      expect(await intakeAccepts(job)).toBe(true);

      // The same job under its operation's own schema, and what both refuse: a URL where a
      // storage reference goes, and an output option of the wrong type.
      const own = componentValidator(doc, `EditJob.${operation}`);
      expect(own(job)).toBe(true);
      const withUrl = { ...job, outputs: [{ href: 'https://example.com/a.jpg' }] };
      expect(validate(withUrl)).toBe(false);
      expect(await intakeAccepts(withUrl)).toBe(false);
    },
  );

  it('describes the example recipes and a run of each, and refuses what the run routes refuse', () => {
    const recipe = componentValidator(doc, 'Recipe');
    const inline = componentValidator(doc, 'InlineRunRequest');
    const named = componentValidator(doc, 'RunRequest');
    for (const example of Object.values(exampleRecipes)) {
      expect(recipe(example) ? [] : recipe.errors).toEqual([]);
      const run = { recipe: example, params: { sku: 'A-1' }, tenant: 'shop', priority: 5 };
      expect(inline(run) ? [] : inline.errors).toEqual([]);
    }
    expect(
      named({ params: { sku: 'A-1', n: 3, on: true }, deadline: '2030-01-01T00:00:00Z' }),
    ).toBe(true);
    expect(named({ params: { sku: { nested: 1 } } })).toBe(false);
    expect(named({ recipe: exampleRecipes['product-cutout'] })).toBe(false);
    expect(inline({ params: {} })).toBe(false);
    expect(
      recipe({ name: 'x', steps: { Bad_Name: { operation: 'v2.edit', outputs: [{}] } } }),
    ).toBe(false);
  });

  it('refuses output options and options that intake refuses', async () => {
    const validate = componentValidator(doc, 'EditJob');
    const refused = [
      {
        ...sampleJobs['v2.createComposite'],
        operation: 'v2.createComposite',
        outputs: [{ ref: 's3://darkroom-out/a.jpg', mediaType: 'image/gif' }],
      },
      {
        ...sampleJobs['v2.createComposite'],
        operation: 'v2.createComposite',
        outputs: [{ ref: 's3://darkroom-out/a.jpg', mediaType: 'image/jpeg', width: 40_000 }],
      },
      { ...sampleJobs.edit, operation: 'edit', options: { Exposure: 9 } },
      {
        ...sampleJobs['v2.removeBackground'],
        operation: 'v2.removeBackground',
        options: { mode: 'erase' },
      },
      {
        operation: 'v2.createArtboard',
        input: 's3://darkroom-in/a.psd',
        ...sampleJobs['v2.createArtboard'],
      },
    ];
    for (const job of refused) {
      expect([job, validate(job)]).toEqual([job, false]);
      expect([job, await intakeAccepts(job)]).toEqual([job, false]);
    }
  });
});
