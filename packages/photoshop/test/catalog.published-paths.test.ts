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

describe('operation catalog against the published specs', () => {
  test.each(operationIds)('%s: path, method and body schema are the published ones', (id) => {
    const op = operations[id];
    const paths = op.generation === 'v1' ? v1 : v2;
    const post = paths[op.path]?.post;
    expect(post).toBeDefined();
    const ref = post?.requestBody?.content?.['application/json']?.schema?.$ref;
    if (op.generation === 'v1') expect(ref).toBe(`./${op.officialSchema}`);
    else expect(ref).toBe(op.officialSchema);
  });

  test.each(operationIds)('%s: its status path is a published GET', (id) => {
    const op = operations[id];
    const paths = op.generation === 'v1' ? v1 : v2;
    expect(paths[op.statusPathTemplate]?.get).toBeDefined();
  });

  test('ids, limits and classes the job layer relies on', () => {
    expect(operationIds).toHaveLength(25);
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
