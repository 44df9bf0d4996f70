import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

/** One Kubernetes object as the tests read it. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface PatchTarget {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
}

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  resources?: string[];
  patches?: { path: string; target?: PatchTarget }[];
  images?: { name: string; newName?: string; newTag?: string }[];
}

/** A kustomization uses a field this assembler does not implement, or a patch matches nothing. */
export class KustomizeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = this.constructor.name;
  }
}

// Anything else in a kustomization.yaml would be silently ignored here but applied by kubectl,
// so the tests would check something other than what gets deployed: refuse it instead.
const SUPPORTED = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'patches', 'images']);

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function readYamlDocuments(file: string): Json[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((doc) => {
      if (doc.errors.length > 0) {
        throw new KustomizeError(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
      }
      return doc.toJS() as Json;
    })
    .filter((doc) => doc !== null && doc !== undefined);
}

function asManifest(doc: Json, file: string): Manifest {
  if (
    !isObject(doc) ||
    typeof doc.apiVersion !== 'string' ||
    typeof doc.kind !== 'string' ||
    !isObject(doc.metadata) ||
    typeof doc.metadata.name !== 'string'
  ) {
    throw new KustomizeError(`${file}: every document needs apiVersion, kind and metadata.name`);
  }
  return doc as unknown as Manifest;
}

const groupOf = (apiVersion: string): string =>
  apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '';

/**
 * Strategic merge as kubectl does it for the lists these manifests patch: maps merge key by key
 * (`null` deletes), lists whose items all carry a `name` merge item by item on it (containers,
 * volumes, env), any other list is replaced.
 */
export function strategicMerge(base: Json, patch: Json): Json {
  if (isObject(base) && isObject(patch)) {
    const out: JsonObject = { ...base };
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete out[key];
      else out[key] = key in base ? strategicMerge(base[key] as Json, value) : value;
    }
    return out;
  }
  const named = (list: Json[]): list is JsonObject[] =>
    list.every((item) => isObject(item) && typeof item.name === 'string');
  if (Array.isArray(base) && Array.isArray(patch) && named(base) && named(patch)) {
    const out: Json[] = base.map((item) => {
      const update = patch.find((p) => p.name === item.name);
      return update ? strategicMerge(item, update) : item;
    });
    for (const item of patch) if (!base.some((b) => b.name === item.name)) out.push(item);
    return out;
  }
  return patch;
}

const pointer = (p: string): string[] =>
  p
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));

/** RFC 6902 `add`, `replace` and `remove`, the operations the overlays use. */
export function applyJson6902(doc: Json, ops: Json, where: string): Json {
  if (!Array.isArray(ops)) throw new KustomizeError(`${where}: a JSON 6902 patch is a list`);
  const root = structuredClone(doc);
  for (const op of ops) {
    if (!isObject(op) || typeof op.op !== 'string' || typeof op.path !== 'string') {
      throw new KustomizeError(`${where}: each operation needs op and path`);
    }
    const keys = pointer(op.path);
    const last = keys.pop();
    let parent: Json = root;
    for (const key of keys) {
      const next: Json | undefined = Array.isArray(parent)
        ? parent[Number(key)]
        : isObject(parent)
          ? parent[key]
          : undefined;
      if (next === undefined) throw new KustomizeError(`${where}: ${op.path} does not exist`);
      parent = next;
    }
    if (last === undefined) throw new KustomizeError(`${where}: cannot patch the root`);
    const value = op.value ?? null;
    if (Array.isArray(parent)) {
      const index = last === '-' ? parent.length : Number(last);
      if (op.op === 'add') parent.splice(index, 0, value);
      else if (op.op === 'replace') parent[index] = value;
      else if (op.op === 'remove') parent.splice(index, 1);
      else throw new KustomizeError(`${where}: unsupported op ${op.op}`);
    } else if (isObject(parent)) {
      if (op.op === 'add' || op.op === 'replace') parent[last] = value;
      else if (op.op === 'remove') delete parent[last];
      else throw new KustomizeError(`${where}: unsupported op ${op.op}`);
    } else {
      throw new KustomizeError(`${where}: ${op.path} has no parent object`);
    }
  }
  return root;
}

/** The pod specs inside a workload, for image rewrites and checks. */
export function podSpecsOf(manifest: Manifest): JsonObject[] {
  const spec = manifest.spec;
  if (!isObject(spec)) return [];
  const template = spec.template;
  if (isObject(template) && isObject(template.spec)) return [template.spec];
  return [];
}

function matchesTarget(resource: Manifest, target: PatchTarget): boolean {
  return (
    (target.kind === undefined || resource.kind === target.kind) &&
    (target.name === undefined || resource.metadata.name === target.name) &&
    (target.group === undefined || groupOf(resource.apiVersion) === target.group) &&
    (target.version === undefined || resource.apiVersion.endsWith(target.version))
  );
}

/** Builds a kustomization directory the way `kubectl kustomize` does for the features it uses. */
export function buildKustomization(dir: string): Manifest[] {
  const file = path.join(dir, 'kustomization.yaml');
  if (!existsSync(file)) throw new KustomizeError(`${dir} has no kustomization.yaml`);
  const [doc] = readYamlDocuments(file);
  if (!isObject(doc)) throw new KustomizeError(`${file} is not a mapping`);
  for (const key of Object.keys(doc)) {
    if (!SUPPORTED.has(key)) throw new KustomizeError(`${file}: unsupported field ${key}`);
  }
  const k = doc as unknown as Kustomization;

  let resources: Manifest[] = [];
  for (const entry of k.resources ?? []) {
    const target = path.resolve(dir, entry);
    if (statSync(target).isDirectory()) resources.push(...buildKustomization(target));
    else resources.push(...readYamlDocuments(target).map((d) => asManifest(d, target)));
  }

  for (const { path: patchPath, target } of k.patches ?? []) {
    const patchFile = path.resolve(dir, patchPath);
    const docs = readYamlDocuments(patchFile);
    if (target) {
      let matched = 0;
      resources = resources.map((r) => {
        if (!matchesTarget(r, target)) return r;
        matched += 1;
        return asManifest(applyJson6902(r as unknown as Json, docs[0] ?? [], patchFile), patchFile);
      });
      if (matched === 0) throw new KustomizeError(`${patchFile}: target matches no resource`);
      continue;
    }
    for (const patchDoc of docs) {
      const patch = asManifest(patchDoc, patchFile);
      const index = resources.findIndex(
        (r) =>
          r.kind === patch.kind &&
          r.metadata.name === patch.metadata.name &&
          groupOf(r.apiVersion) === groupOf(patch.apiVersion),
      );
      if (index < 0) {
        throw new KustomizeError(`${patchFile}: no ${patch.kind} ${patch.metadata.name} to patch`);
      }
      resources[index] = asManifest(
        strategicMerge(resources[index] as unknown as Json, patch as unknown as Json),
        patchFile,
      );
    }
  }

  for (const image of k.images ?? []) {
    let used = false;
    for (const r of resources) {
      for (const pod of podSpecsOf(r)) {
        for (const list of [pod.containers, pod.initContainers]) {
          if (!Array.isArray(list)) continue;
          for (const c of list) {
            if (!isObject(c) || typeof c.image !== 'string') continue;
            const [name = '', tag] = c.image.split(':');
            if (name !== image.name) continue;
            c.image = `${image.newName ?? name}:${image.newTag ?? tag ?? 'latest'}`;
            used = true;
          }
        }
      }
    }
    if (!used) throw new KustomizeError(`${file}: image ${image.name} is used by no container`);
  }

  if (k.namespace !== undefined) {
    for (const r of resources) r.metadata = { ...r.metadata, namespace: k.namespace };
  }
  return resources;
}
