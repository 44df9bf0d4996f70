import { type Manifest, podSpecsOf } from './kustomize';

/** The container fields the invariant checks read. */
export interface Container {
  name: string;
  image?: string;
  ports?: { name?: string; containerPort: number }[];
  env?: {
    name: string;
    value?: string;
    valueFrom?: { secretKeyRef?: { name: string; key: string } };
  }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: SecurityContext;
}

export interface Probe {
  httpGet?: { path: string; port: number | string };
  tcpSocket?: { port: number | string };
}

export interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
}

export interface PodSpec {
  containers: Container[];
  securityContext?: SecurityContext;
  terminationGracePeriodSeconds?: number;
}

export const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'Job']);

export function podSpec(manifest: Manifest): PodSpec {
  const [spec] = podSpecsOf(manifest);
  if (!spec) throw new Error(`${manifest.kind} ${manifest.metadata.name} has no pod template`);
  return spec as unknown as PodSpec;
}

export function podLabels(manifest: Manifest): Record<string, string> {
  const spec = manifest.spec as { template?: { metadata?: { labels?: Record<string, string> } } };
  return spec.template?.metadata?.labels ?? {};
}

export function find(manifests: Manifest[], kind: string, name: string): Manifest {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
}

export function container(manifest: Manifest, name: string): Container {
  const found = podSpec(manifest).containers.find((c) => c.name === name);
  if (!found) throw new Error(`${manifest.metadata.name} has no container ${name}`);
  return found;
}

/** A probe's port as a number, resolving a named container port. */
export function probePort(c: Container, port: number | string | undefined): number | undefined {
  if (typeof port === 'number') return port;
  return c.ports?.find((p) => p.name === port)?.containerPort;
}

/** String values of a Secret, decoding `data` and taking `stringData` as is. */
export function secretValues(secret: Manifest): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries((secret.data as Record<string, string>) ?? {})) {
    values[k] = Buffer.from(v, 'base64').toString('utf8');
  }
  Object.assign(values, (secret.stringData as Record<string, string>) ?? {});
  return values;
}

/**
 * The environment a container starts with: its envFrom ConfigMaps and Secrets, then its env
 * entries, with Secret values taken from `secrets` (by Secret name).
 */
export function containerEnv(
  manifests: Manifest[],
  c: Container,
  secrets: Record<string, Record<string, string>>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of c.envFrom ?? []) {
    if (source.configMapRef) {
      const data = find(manifests, 'ConfigMap', source.configMapRef.name).data;
      Object.assign(env, data as Record<string, string>);
    }
    if (source.secretRef) Object.assign(env, secrets[source.secretRef.name] ?? {});
  }
  for (const entry of c.env ?? []) {
    if (entry.value !== undefined) env[entry.name] = entry.value;
    const ref = entry.valueFrom?.secretKeyRef;
    if (ref) {
      const value = secrets[ref.name]?.[ref.key];
      if (value === undefined) throw new Error(`${c.name}: Secret ${ref.name} has no ${ref.key}`);
      env[entry.name] = value;
    }
  }
  return env;
}

/** Secret names a container reads, with the keys it reads from each (`*`: all of them). */
export function secretReferences(c: Container): { name: string; key: string }[] {
  const refs: { name: string; key: string }[] = [];
  for (const source of c.envFrom ?? []) {
    if (source.secretRef) refs.push({ name: source.secretRef.name, key: '*' });
  }
  for (const entry of c.env ?? []) {
    const ref = entry.valueFrom?.secretKeyRef;
    if (ref) refs.push({ name: ref.name, key: ref.key });
  }
  return refs;
}

export const matchesSelector = (
  selector: Record<string, string>,
  labels: Record<string, string>,
): boolean => Object.entries(selector).every(([k, v]) => labels[k] === v);
