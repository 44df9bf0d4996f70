import {
  getOperation,
  operationIds,
  operations,
  statusPathFor,
  UnknownOperationError,
} from '../src';
import { readSpec } from './support/specs';

type Paths = Record<
  string,
  Record<string, { requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> } }>
>;

const v1 = (readSpec('v1/swagger.json') as { paths: Paths }).paths;
const v2 = (readSpec('v2/photoshopv2-api.json') as { paths: Paths }).paths;
const ffs = (readSpec('v1/ffs-photoshop_api.json') as { paths: Paths }).paths;

const FFS_PREFIX = 'ffs-photoshop_api.json';
/** Operations whose schema Adobe publishes only on its reference site, not in the spec files. */
const referenceOnly = operationIds.filter((id) =>
  operations[id].officialSchema.startsWith('reference:'),
);
const inSpecFiles = operationIds.filter((id) => !referenceOnly.includes(id));

function specOf(id: (typeof operationIds)[number]): Paths {
  const op = operations[id];
  if (op.officialSchema.startsWith(FFS_PREFIX)) return ffs;
  return op.generation === 'v1' ? v1 : v2;
}

describe('operation catalog against the published specs', () => {
  test.each(inSpecFiles)('%s: path, method and body schema are the published ones', (id) => {
    const op = operations[id];
    const post = specOf(id)[op.path]?.post;
    expect(post).toBeDefined();
    const ref = post?.requestBody?.content?.['application/json']?.schema?.$ref;
    if (op.officialSchema.startsWith(FFS_PREFIX)) {
      expect(`${FFS_PREFIX}${ref}`).toBe(op.officialSchema);
    } else if (op.generation === 'v1') expect(ref).toBe(`./${op.officialSchema}`);
    else expect(ref).toBe(op.officialSchema);
  });

  test.each(inSpecFiles)('%s: its status path is a published GET', (id) => {
    const op = operations[id];
    expect(specOf(id)[op.statusPathTemplate]?.get).toBeDefined();
  });

  test('remove-background is in none of the spec files (its guide is the source), on the v1 host', () => {
    expect(referenceOnly).toEqual(['v2.removeBackground']);
    for (const paths of [v1, v2, ffs]) expect(paths['/v2/remove-background']).toBeUndefined();
    const op = operations['v2.removeBackground'];
    expect(op).toMatchObject({ host: 'v1', generation: 'v2', outputShape: 'output' });
    expect(v2[op.statusPathTemplate]?.get).toBeDefined();
  });

  test('the masking endpoints are served on the v1 host with a status family of their own', () => {
    for (const id of ['maskObjects', 'maskBodyParts', 'refineMask', 'fillMaskedAreas'] as const) {
      expect(operations[id]).toMatchObject({
        host: 'v1',
        statusFamily: 'masking',
        statusPathTemplate: '/v1/status/{jobId}',
        maxOutputs: 0,
      });
    }
    expect(statusPathFor('masking', 'j 1')).toBe('/v1/status/j%201');
  });

  test('ids, limits and classes the job layer relies on', () => {
    expect(operationIds).toHaveLength(30);
    expect(getOperation('documentCreate').mainInput).toBe('none');
    expect(getOperation('renditionCreate').maxOutputs).toBe(25);
    expect(getOperation('v2.autoCrop').path).toBe('/v1/auto-crop');
    expect(statusPathFor('cutout', 'a b')).toBe('/sensei/status/a%20b');
    expect(statusPathFor('lightroom', 'x')).toBe('/lrService/status/x');
    for (const op of Object.values(operations)) {
      expect(['simple', 'complex', 'large']).toContain(op.durationClass);
      expect(Object.isFrozen(op)).toBe(true);
    }
  });

  test('an unknown id throws a clear error listing the valid ones', () => {
    expect(() => getOperation('renditionMake')).toThrow(UnknownOperationError);
    expect(() => getOperation('renditionMake')).toThrow(
      /"renditionMake".*valid ids: renditionCreate, documentManifest/,
    );
  });
});
