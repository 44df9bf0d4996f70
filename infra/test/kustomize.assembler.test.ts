import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  KustomizeError,
  applyJson6902,
  buildKustomization,
  strategicMerge,
  type Manifest,
} from './support/kustomize';
import { validateManifest } from './support/validate';

describe('strategicMerge', () => {
  it('merges containers by name, adds new ones and replaces unnamed lists', () => {
    const merged = strategicMerge(
      {
        containers: [
          { name: 'worker', image: 'w:1', args: ['a'] },
          { name: 'other', image: 'o:1' },
        ],
        ports: [{ port: 1 }],
      },
      { containers: [{ name: 'worker', args: ['b'] }, { name: 'proxy' }], ports: [{ port: 2 }] },
    );
    expect(merged).toEqual({
      containers: [
        { name: 'worker', image: 'w:1', args: ['b'] },
        { name: 'other', image: 'o:1' },
        { name: 'proxy' },
      ],
      ports: [{ port: 2 }],
    });
  });

  it('deletes a key patched to null', () => {
    expect(strategicMerge({ a: 1, b: 2 }, { b: null })).toEqual({ a: 1 });
  });
});

describe('applyJson6902', () => {
  it('appends with "-", replaces and removes, leaving the input untouched', () => {
    const input = { spec: { egress: [{ port: 53 }], keep: true, drop: 1 } };
    const out = applyJson6902(
      input,
      [
        { op: 'add', path: '/spec/egress/-', value: { port: 443 } },
        { op: 'replace', path: '/spec/keep', value: false },
        { op: 'remove', path: '/spec/drop' },
      ],
      'test',
    );
    expect(out).toEqual({ spec: { egress: [{ port: 53 }, { port: 443 }], keep: false } });
    expect(input.spec.egress).toHaveLength(1);
  });

  it('names a path that does not exist', () => {
    expect(() => applyJson6902({}, [{ op: 'add', path: '/spec/x/-', value: 1 }], 'p.yaml')).toThrow(
      'p.yaml: /spec/x/- does not exist',
    );
  });
});

describe('buildKustomization', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'darkroom-kustomize-'));
    writeFileSync(
      path.join(dir, 'cm.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  A: "1"\n',
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a field it would otherwise ignore', () => {
    writeFileSync(path.join(dir, 'kustomization.yaml'), 'resources: [cm.yaml]\nnamePrefix: dev-\n');
    expect(() => buildKustomization(dir)).toThrow(KustomizeError);
    expect(() => buildKustomization(dir)).toThrow('unsupported field namePrefix');
  });

  it('refuses a patch that matches nothing', () => {
    writeFileSync(
      path.join(dir, 'patch.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n',
    );
    writeFileSync(
      path.join(dir, 'kustomization.yaml'),
      'resources: [cm.yaml]\npatches:\n  - path: patch.yaml\n',
    );
    expect(() => buildKustomization(dir)).toThrow('no ConfigMap other to patch');
  });

  it('sets the namespace on every resource', () => {
    writeFileSync(path.join(dir, 'kustomization.yaml'), 'namespace: n\nresources: [cm.yaml]\n');
    expect(buildKustomization(dir)[0]?.metadata.namespace).toBe('n');
  });
});

describe('validateManifest', () => {
  const deployment = (spec: unknown): Manifest => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd' },
    spec,
  });

  it('rejects a field of the wrong type, naming the object and the field', () => {
    expect(() =>
      validateManifest(deployment({ replicas: 'two', selector: {}, template: {} })),
    ).toThrow(/apps\/v1\/Deployment d: .*replicas must be integer/);
  });

  it('rejects a misspelt field the schema alone would let through, naming its path', () => {
    const manifest = deployment({
      selector: {},
      template: { spec: { containers: [{ name: 'w', image: 'w', readinesProbe: {} }] } },
    });
    expect(() => validateManifest(manifest)).toThrow(
      'apps/v1/Deployment d: unknown field(s) spec.template.spec.containers[0].readinesProbe',
    );
  });

  it('rejects a misspelt field inside a KEDA trigger', () => {
    expect(() =>
      validateManifest({
        apiVersion: 'keda.sh/v1alpha1',
        kind: 'ScaledObject',
        metadata: { name: 's' },
        spec: {
          scaleTargetRef: { name: 'w' },
          triggers: [{ type: 'prometheus', metdata: {}, metadata: {} }],
        },
      }),
    ).toThrow('unknown field(s) spec.triggers[0].metdata');
  });

  it('rejects a kind it has no schema for', () => {
    expect(() =>
      validateManifest({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: {} }),
    ).toThrow('v1/Pod p: no schema for this kind');
  });

  it('rejects a ScaledObject without a target', () => {
    expect(() =>
      validateManifest({
        apiVersion: 'keda.sh/v1alpha1',
        kind: 'ScaledObject',
        metadata: { name: 's' },
        spec: { triggers: [] },
      }),
    ).toThrow(/scaleTargetRef/);
  });
});
