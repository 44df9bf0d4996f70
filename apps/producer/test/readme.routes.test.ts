import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { API_ERROR_CODES, PROBLEM_TYPE_BASE } from '../src/server/api-error';
import { openApiDocument } from '../src/server/openapi-document';

const README = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** `METHOD /path` of every route the README describes in a bold heading, `:id` as `{id}`. */
function readmeRoutes(): Set<string> {
  const found = new Set<string>();
  for (const [, method, path] of README.matchAll(/^\*\*`([A-Z]+) ([^`\s?[]+)/gm)) {
    found.add(`${method} ${String(path).replace(/\/:(\w+)/g, '/{$1}')}`);
  }
  return found;
}

/** `METHOD /path` of every operation of the OpenAPI document. */
function documentedRoutes(): string[] {
  const doc = openApiDocument({ maxBatch: 1000, maxWaitSeconds: 60 }) as {
    paths: Record<string, Record<string, unknown>>;
  };
  return Object.entries(doc.paths).flatMap(([path, operations]) =>
    Object.keys(operations)
      .filter((method) => METHODS.includes(method))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
}

describe('the producer README', () => {
  it('describes every route of the OpenAPI document, and no other', () => {
    const documented = documentedRoutes();
    expect(documented).toEqual(
      expect.arrayContaining(['GET /v1/edits', 'POST /v1/edits', 'GET /v1/batches/{id}']),
    );
    expect([...readmeRoutes()].sort()).toEqual([...new Set(documented)].sort());
  });

  it('lists the parameters of GET /v1/edits that the OpenAPI document has', () => {
    const doc = openApiDocument({ maxBatch: 1000, maxWaitSeconds: 60 }) as {
      paths: Record<string, { get?: { parameters: { name: string }[] } }>;
    };
    const documented = (doc.paths['/v1/edits']?.get?.parameters ?? []).map((p) => p.name);
    const table = README.slice(README.indexOf('| parameter'));
    const rows = [...table.slice(0, table.indexOf('\n\n')).matchAll(/^\| `(\w+)`/gm)];
    expect(rows.map(([, name]) => name).sort()).toEqual(documented.sort());
  });

  it('lists every error code the API answers with, and the problem type URI it uses', () => {
    const errors = README.slice(
      README.indexOf('### Errors'),
      README.indexOf('## The `darkroom` CLI'),
    );
    const codes = [...errors.matchAll(/^\| \d{3}\s+\| `(\w+)`/gm)].map(([, code]) => code);
    // `internal` (500) is the one answer a client is never meant to branch on.
    expect(new Set(codes)).toEqual(new Set(API_ERROR_CODES.filter((c) => c !== 'internal')));
    expect(errors).toContain(`"type": "${PROBLEM_TYPE_BASE}invalid_request"`);
  });
});
