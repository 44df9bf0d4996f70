import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseWorkerConfig } from '@darkroom/worker';
import { parseProducerConfig } from '@darkroom/producer';
import { dashboardConfigFromEnv } from '@darkroom/dashboard';
import { parseEmulatorArgs } from '@darkroom/emulator';
import { buildKustomization, type Manifest } from './support/kustomize';
import { k8sDir } from './support/paths';
import { validateManifest } from './support/validate';
import {
  WORKLOAD_KINDS,
  container,
  containerEnv,
  find,
  matchesSelector,
  podLabels,
  podSpec,
  probePort,
  secretReferences,
  secretValues,
} from './support/workloads';

const PLACEHOLDER = 'CHANGE_ME';
const overlayDir = (name: string): string => path.join(k8sDir, 'overlays', name);

/** secrets.example.env, split into the Secrets named by its `# darkroom-…` section lines. */
function productionSecrets(): Record<string, Record<string, string>> {
  const text = readFileSync(path.join(overlayDir('production'), 'secrets.example.env'), 'utf8');
  const secrets: Record<string, Record<string, string>> = {};
  let current: Record<string, string> | undefined;
  for (const line of text.split('\n')) {
    const section = /^# (darkroom-[a-z-]+)\s*$/.exec(line);
    if (section?.[1]) {
      current = secrets[section[1]] = {};
      continue;
    }
    const pair = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (pair?.[1] && current) current[pair[1]] = pair[2] ?? '';
  }
  return secrets;
}

function definedSecrets(manifests: Manifest[]): Record<string, Record<string, string>> {
  const secrets: Record<string, Record<string, string>> = {};
  for (const m of manifests) if (m.kind === 'Secret') secrets[m.metadata.name] = secretValues(m);
  return secrets;
}

const overlays = {
  emulator: { manifests: buildKustomization(overlayDir('emulator')), secrets: {} },
  production: { manifests: buildKustomization(overlayDir('production')), secrets: {} },
} as Record<string, { manifests: Manifest[]; secrets: Record<string, Record<string, string>> }>;
overlays.emulator!.secrets = definedSecrets(overlays.emulator!.manifests);
overlays.production!.secrets = productionSecrets();

describe.each(Object.keys(overlays))('overlays/%s', (name) => {
  const { manifests, secrets } = overlays[name]!;
  const workloads = manifests.filter((m) => WORKLOAD_KINDS.has(m.kind));
  const worker = find(manifests, 'Deployment', 'darkroom-worker');
  const workerContainer = container(worker, 'worker');
  const workerEnv = containerEnv(manifests, workerContainer, secrets);

  it('validates every manifest against its Kubernetes, KEDA or Prometheus Operator schema', () => {
    expect(manifests.length).toBeGreaterThan(10);
    for (const m of manifests) validateManifest(m);
    const ids = manifests.map((m) => `${m.kind}/${m.metadata.name}`);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("gives the worker an environment its parser accepts, draining well inside the pod's grace", () => {
    const config = parseWorkerConfig(workerEnv);
    const byDefault = parseWorkerConfig({ ...workerEnv, WORKER_DRAIN_TIMEOUT_MS: undefined });
    const grace = podSpec(worker).terminationGracePeriodSeconds ?? 30;
    // The drain covers every API call, so a shutdown never cuts off a submit.
    expect(config.drainTimeoutMs).toBeGreaterThan(config.apiTimeoutMs);
    // Ten seconds for the process to exit and for SIGTERM to arrive late, past the configured
    // drain and past the worker's default one, which follows API_TIMEOUT_MS.
    expect(grace * 1000).toBeGreaterThanOrEqual(config.drainTimeoutMs + 10_000);
    expect(grace * 1000).toBeGreaterThanOrEqual(byDefault.drainTimeoutMs + 10_000);
  });

  it('probes the worker on /readyz and /healthz at its metrics port', () => {
    const port = Number(parseWorkerConfig(workerEnv).port);
    const { readinessProbe, livenessProbe } = workerContainer;
    expect(readinessProbe?.httpGet?.path).toBe('/readyz');
    expect(livenessProbe?.httpGet?.path).toBe('/healthz');
    expect(probePort(workerContainer, readinessProbe?.httpGet?.port)).toBe(port);
    expect(probePort(workerContainer, livenessProbe?.httpGet?.port)).toBe(port);
  });

  it('probes the producer over HTTP and the dashboard, whose routes all need auth, over TCP', () => {
    const producer = container(find(manifests, 'Deployment', 'darkroom-producer'), 'producer');
    const producerConfig = parseProducerConfig(containerEnv(manifests, producer, secrets));
    expect(producer.readinessProbe?.httpGet?.path).toBe('/readyz');
    expect(producer.livenessProbe?.httpGet?.path).toBe('/healthz');
    expect(probePort(producer, producer.readinessProbe?.httpGet?.port)).toBe(producerConfig.port);

    const dashboard = container(find(manifests, 'Deployment', 'darkroom-dashboard'), 'dashboard');
    const dashboardConfig = dashboardConfigFromEnv(containerEnv(manifests, dashboard, secrets));
    expect(dashboard.readinessProbe?.httpGet).toBeUndefined();
    expect(probePort(dashboard, dashboard.readinessProbe?.tcpSocket?.port)).toBe(
      dashboardConfig.port,
    );
    expect(dashboardConfig.host).toBe('0.0.0.0');
  });

  it('runs every container as non-root on a read-only root filesystem, with memory limits', () => {
    expect(workloads.length).toBeGreaterThanOrEqual(3);
    for (const w of workloads) {
      const pod = podSpec(w);
      for (const c of pod.containers) {
        const where = `${w.metadata.name}/${c.name}`;
        const ctx = { ...pod.securityContext, ...c.securityContext };
        expect({ where, runAsNonRoot: ctx.runAsNonRoot }).toEqual({ where, runAsNonRoot: true });
        expect({ where, uid: ctx.runAsUser !== 0 }).toEqual({ where, uid: true });
        expect({ where, ro: c.securityContext?.readOnlyRootFilesystem }).toEqual({
          where,
          ro: true,
        });
        expect({ where, esc: c.securityContext?.allowPrivilegeEscalation }).toEqual({
          where,
          esc: false,
        });
        expect({ where, memory: typeof c.resources?.limits?.memory }).toEqual({
          where,
          memory: 'string',
        });
        expect({ where, requests: typeof c.resources?.requests?.cpu }).toEqual({
          where,
          requests: 'string',
        });
      }
    }
  });

  it('holds no Secret value other than placeholders', () => {
    for (const m of manifests.filter((s) => s.kind === 'Secret')) {
      for (const [key, value] of Object.entries(secretValues(m))) {
        expect({
          secret: `${m.metadata.name}.${key}`,
          placeholder: value.includes(PLACEHOLDER),
        }).toEqual({ secret: `${m.metadata.name}.${key}`, placeholder: true });
      }
    }
  });

  it('defines or documents every Secret key a container reads', () => {
    for (const w of workloads) {
      for (const c of podSpec(w).containers) {
        for (const ref of secretReferences(c)) {
          const where = `${w.metadata.name}/${c.name} → ${ref.name}.${ref.key}`;
          const secret = secrets[ref.name];
          expect({ where, found: secret !== undefined }).toEqual({ where, found: true });
          if (ref.key !== '*')
            expect({ where, key: ref.key in (secret ?? {}) }).toEqual({
              where,
              key: true,
            });
        }
      }
    }
  });

  it('routes each Service and each ServiceMonitor to a named port of a matching pod', () => {
    for (const svc of manifests.filter((m) => m.kind === 'Service')) {
      const spec = svc.spec as {
        selector: Record<string, string>;
        ports: { targetPort: string }[];
      };
      const pods = workloads.filter((w) => matchesSelector(spec.selector, podLabels(w)));
      expect({ service: svc.metadata.name, pods: pods.length }).toEqual({
        service: svc.metadata.name,
        pods: 1,
      });
      const names = podSpec(pods[0]!).containers.flatMap((c) => c.ports?.map((p) => p.name));
      for (const port of spec.ports) expect(names).toContain(port.targetPort);
    }
    // Workers and producers are scraped, each through exactly its metrics Service.
    for (const [name, service] of [
      ['darkroom-worker', 'darkroom-worker-metrics'],
      ['darkroom-producer', 'darkroom-producer-metrics'],
    ]) {
      const monitor = find(manifests, 'ServiceMonitor', name!).spec as {
        selector: { matchLabels: Record<string, string> };
        endpoints: { port: string; path: string }[];
      };
      const selected = manifests.filter(
        (m) =>
          m.kind === 'Service' &&
          matchesSelector(monitor.selector.matchLabels, m.metadata.labels ?? {}),
      );
      expect(selected.map((m) => m.metadata.name)).toEqual([service]);
      expect(monitor.endpoints[0]).toMatchObject({ port: 'metrics', path: '/metrics' });
    }
  });

  it('scales the worker Deployment with KEDA on a Prometheus query, at most one pod per target', () => {
    const scaled = find(manifests, 'ScaledObject', 'darkroom-worker').spec as {
      scaleTargetRef: { name: string; kind?: string };
      minReplicaCount: number;
      maxReplicaCount: number;
      triggers: { type: string; metadata: { query: string; threshold: string } }[];
    };
    expect(scaled.scaleTargetRef).toMatchObject({ name: 'darkroom-worker', kind: 'Deployment' });
    expect(scaled.minReplicaCount).toBeGreaterThanOrEqual(2);
    expect(scaled.maxReplicaCount).toBeGreaterThan(scaled.minReplicaCount);
    const [trigger] = scaled.triggers;
    expect(trigger?.type).toBe('prometheus');
    expect(Number(trigger?.metadata.threshold)).toBeLessThanOrEqual(
      parseWorkerConfig(workerEnv).concurrency,
    );
    expect(trigger?.metadata.query).toContain(`queue="${parseWorkerConfig(workerEnv).queueName}"`);
  });

  it('lets only Darkroom pods reach Redis and workers reach DNS, Redis and HTTPS only', () => {
    const policies = manifests.filter((m) => m.kind === 'NetworkPolicy');
    const redisIngress = policies.find((p) => {
      const spec = p.spec as { podSelector: { matchLabels: Record<string, string> } };
      return spec.podSelector.matchLabels['app.kubernetes.io/name'] === 'darkroom-redis';
    });
    const spec = redisIngress?.spec as {
      policyTypes: string[];
      ingress: { from: { podSelector: { matchLabels: Record<string, string> } }[] }[];
    };
    expect(spec.policyTypes).toEqual(['Ingress']);
    expect(spec.ingress.flatMap((i) => i.from.map((f) => f.podSelector.matchLabels))).toEqual([
      { 'app.kubernetes.io/part-of': 'darkroom' },
    ]);
    // Every pod Darkroom runs carries that label, or it could not reach Redis.
    for (const w of workloads) {
      expect(podLabels(w)['app.kubernetes.io/part-of']).toBe('darkroom');
    }

    const egress = find(manifests, 'NetworkPolicy', 'darkroom-worker-egress').spec as {
      podSelector: { matchLabels: Record<string, string> };
      egress: { to?: unknown[]; ports: { port: number }[] }[];
    };
    expect(matchesSelector(egress.podSelector.matchLabels, podLabels(worker))).toBe(true);
    const openPorts = egress.egress.filter((r) => !r.to).flatMap((r) => r.ports.map((p) => p.port));
    expect(openPorts.sort((a, b) => a - b)).toEqual([53, 53, 443, 6379, 6380]);
  });
});

describe('overlays/emulator', () => {
  const { manifests, secrets } = overlays.emulator!;
  const worker = find(manifests, 'Deployment', 'darkroom-worker');
  const workerEnv = containerEnv(manifests, container(worker, 'worker'), secrets);
  const workerConfig = parseWorkerConfig(workerEnv);

  it('selects the in-cluster Redis with the ingress policy', () => {
    const redis = find(manifests, 'StatefulSet', 'darkroom-redis');
    const policy = find(manifests, 'NetworkPolicy', 'darkroom-redis-ingress').spec as {
      podSelector: { matchLabels: Record<string, string> };
    };
    expect(matchesSelector(policy.podSelector.matchLabels, podLabels(redis))).toBe(true);
    const args = container(redis, 'redis') as unknown as { args: string[] };
    expect(args.args.join(' ')).toMatch(
      /--appendonly yes --appendfsync everysec --maxmemory-policy noeviction/,
    );
    expect(new URL(workerEnv.REDIS_URL ?? '').hostname).toBe('darkroom-redis');
  });

  it('points the worker at the emulator Service with a client the emulator accepts', () => {
    const emulator = find(manifests, 'Deployment', 'darkroom-emulator');
    const options = parseEmulatorArgs(
      [],
      containerEnv(manifests, container(emulator, 'emulator'), secrets),
    );
    const account = workerConfig.accounts.default;
    expect(new URL(account?.imsUrl ?? '').host).toBe(`darkroom-emulator:${options.port}`);
    expect(workerConfig.expectedDurationScale).toBe(options.timeFactor);
    expect(workerConfig.budgetTimeScale).toBe(1);
    expect(options.clients).toContainEqual({
      clientId: account?.clientId,
      clientSecret: account?.clientSecret,
    });
  });

  it('signs loopback storage URLs that a proxy in both the worker and emulator pods forwards', () => {
    const endpoint = new URL(workerConfig.storage.s3?.default?.endpoint ?? 'missing:');
    expect(endpoint.hostname).toBe('127.0.0.1');
    for (const deployment of ['darkroom-worker', 'darkroom-emulator']) {
      const proxy = container(find(manifests, 'Deployment', deployment), 'storage-proxy') as {
        args?: string[];
      };
      expect(proxy.args?.[0]).toContain(`TCP-LISTEN:${endpoint.port}`);
      expect(proxy.args?.[1]).toBe(`TCP:darkroom-minio:${endpoint.port}`);
    }
  });
});

describe('overlays/production', () => {
  const { manifests } = overlays.production!;

  it('defines no Secret and calls Adobe itself', () => {
    expect(manifests.filter((m) => m.kind === 'Secret')).toEqual([]);
    const env = containerEnv(
      manifests,
      container(find(manifests, 'Deployment', 'darkroom-worker'), 'worker'),
      overlays.production!.secrets,
    );
    expect(parseWorkerConfig(env).accounts.default?.v2BaseUrl).toBe(
      'https://photoshop-api.adobe.io',
    );
    // Managed Redis is reached over TLS.
    expect(env.REDIS_URL?.startsWith('rediss://')).toBe(true);
  });

  it('runs more workers than development and pins registry images', () => {
    const prod = find(manifests, 'ScaledObject', 'darkroom-worker').spec as {
      minReplicaCount: number;
    };
    const dev = find(overlays.emulator!.manifests, 'ScaledObject', 'darkroom-worker').spec as {
      minReplicaCount: number;
    };
    expect(prod.minReplicaCount).toBeGreaterThan(dev.minReplicaCount);
    const image = container(find(manifests, 'Deployment', 'darkroom-worker'), 'worker').image;
    expect(image).toMatch(/^registry\.example\.com\/darkroom\/worker:\d+\.\d+\.\d+$/);
  });
});
