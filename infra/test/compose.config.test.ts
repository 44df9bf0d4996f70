import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import path from 'node:path';
import { parseWorkerConfig } from '@darkroom/worker';
import { parseProducerConfig } from '@darkroom/producer';
import { dashboardConfigFromEnv } from '@darkroom/dashboard';
import { parseEmulatorArgs } from '@darkroom/emulator';
import {
  composeConfig,
  durationSeconds,
  envOf,
  mountsOf,
  resolvedProject,
  type ComposeProject,
} from './support/compose';
import { infraDir, repoRoot } from './support/paths';

const BASE = ['-f', 'compose.yaml'];
const ADOBE = [
  '--env-file',
  'adobe.env.example',
  '-f',
  'compose.yaml',
  '-f',
  'adobe.override.yaml',
];

describe('compose.yaml', () => {
  let project: ComposeProject;
  beforeAll(() => {
    project = resolvedProject(BASE);
  });

  it('declares the whole stack, with three worker replicas', () => {
    expect(Object.keys(project.services).sort()).toEqual(
      [
        'buckets',
        'certs',
        'dashboard',
        'emulator',
        'grafana',
        'minio',
        'producer',
        'prometheus',
        'redis',
        'worker',
      ].sort(),
    );
    expect(project.services.worker?.deploy?.replicas).toBe(3);
  });

  it('runs Redis with AOF every second and noeviction', () => {
    const command = project.services.redis?.command;
    const args = Array.isArray(command) ? command.join(' ') : String(command);
    expect(args).toMatch(/--appendonly yes/);
    expect(args).toMatch(/--appendfsync everysec/);
    expect(args).toMatch(/--maxmemory-policy noeviction/);
  });

  it('builds each app from its Dockerfile with the repository root as context', () => {
    for (const app of ['worker', 'producer', 'dashboard', 'emulator']) {
      const build = project.services[app]?.build;
      expect(build).toBeDefined();
      expect(path.resolve(build?.context ?? '')).toBe(repoRoot);
      expect(existsSync(path.join(repoRoot, build?.dockerfile ?? 'missing'))).toBe(true);
      expect(project.services[app]?.read_only).toBe(true);
    }
  });

  it("gives the worker an environment its own parser accepts, draining before compose's kill", () => {
    const env = envOf(project.services.worker);
    const config = parseWorkerConfig(env);
    expect(env.REDIS_URL).toBe('redis://redis:6379');
    expect(config.prefix).toBe('{darkroom}');
    expect(config.accounts.default?.imsUrl).toBe('http://emulator:7070');
    const grace = durationSeconds(project.services.worker?.stop_grace_period ?? '10s');
    const byDefault = parseWorkerConfig({ ...env, WORKER_DRAIN_TIMEOUT_MS: undefined });
    // The drain covers every API call, and compose's kill comes after the configured drain and
    // after the worker's default one, which follows API_TIMEOUT_MS.
    expect(config.drainTimeoutMs).toBeGreaterThan(config.apiTimeoutMs);
    expect(grace * 1000).toBeGreaterThan(config.drainTimeoutMs);
    expect(grace * 1000).toBeGreaterThan(byDefault.drainTimeoutMs);
  });

  it('signs storage URLs for a host the emulator reaches by the same name, over https', () => {
    const config = parseWorkerConfig(envOf(project.services.worker));
    const endpoint = new URL(config.storage.s3?.default?.endpoint ?? 'missing:');
    expect(endpoint.protocol).toBe('https:');
    expect(project.services[endpoint.hostname]).toBeDefined();
    // Both Node processes trust the certificate the certs service writes.
    for (const app of ['worker', 'emulator']) {
      expect(envOf(project.services[app]).NODE_EXTRA_CA_CERTS).toBe('/certs/public.crt');
      expect(mountsOf(project.services[app])).toContainEqual({ source: 'certs', target: '/certs' });
    }
    expect(project.services.minio?.command).toEqual(expect.arrayContaining(['--certs-dir']));
  });

  it('accepts the emulator client the worker authenticates with', () => {
    const options = parseEmulatorArgs([], envOf(project.services.emulator));
    const workerConfig = parseWorkerConfig(envOf(project.services.worker));
    const worker = workerConfig.accounts.default;
    // Polls are planned for the emulator's sped-up durations; its rate limits are Adobe's.
    expect(workerConfig.expectedDurationScale).toBe(options.timeFactor);
    expect(options.scaleRateLimits).toBeUndefined();
    expect(workerConfig.budgetTimeScale).toBe(1);
    expect(options.host).toBe('0.0.0.0');
    expect(options.clients).toContainEqual({
      clientId: worker?.clientId,
      clientSecret: worker?.clientSecret,
    });
  });

  it('gives the producer and the dashboard environments their parsers accept', () => {
    const producer = parseProducerConfig(envOf(project.services.producer));
    expect(producer.tokens.length).toBeGreaterThan(0);
    const dashboard = dashboardConfigFromEnv(envOf(project.services.dashboard));
    expect(dashboard.host).toBe('0.0.0.0');
    // The runs queue and the callbacks queue are shown beside the edits queue.
    expect(dashboard.dashboard.queues).toEqual(['edits', 'edits-runs', 'callbacks']);
  });

  it('mounts infra/prometheus and infra/grafana where Prometheus and Grafana read them', () => {
    expect(mountsOf(project.services.prometheus)).toContainEqual({
      source: path.join(infraDir, 'prometheus'),
      target: '/etc/prometheus',
    });
    const grafana = mountsOf(project.services.grafana);
    expect(grafana).toContainEqual({
      source: path.join(infraDir, 'grafana', 'provisioning'),
      target: '/etc/grafana/provisioning',
    });
    for (const { source } of grafana) expect(existsSync(source)).toBe(true);
  });
});

describe('compose.yaml with infra/prometheus and infra/grafana', () => {
  const project = resolvedProject(BASE);
  const readYaml = (file: string): unknown =>
    parse(readFileSync(path.join(infraDir, file), 'utf8'));

  it('scrapes service names and ports that exist in the stack', () => {
    const config = readYaml('prometheus/prometheus.yml') as {
      scrape_configs: {
        dns_sd_configs?: { names: string[]; port: number }[];
        static_configs?: { targets: string[] }[];
      }[];
    };
    const targets = config.scrape_configs.flatMap((job) => [
      ...(job.dns_sd_configs ?? []).flatMap((d) => d.names.map((n) => `${n}:${d.port}`)),
      ...(job.static_configs ?? []).flatMap((c) => c.targets),
    ]);
    expect(targets).toContain('worker:9464');
    for (const target of targets) {
      const [host = '', port] = target.split(':');
      expect(project.services[host]).toBeDefined();
      const env = envOf(project.services[host]);
      expect(Object.values(env)).toContain(port);
    }
  });

  it("points Grafana's data source at the Prometheus service", () => {
    const datasources = readYaml('grafana/provisioning/datasources/prometheus.yml') as {
      datasources: { url: string }[];
    };
    const url = new URL(datasources.datasources[0]?.url ?? 'missing:');
    expect(project.services[url.hostname]?.image).toMatch(/^prom\/prometheus:/);
    expect(url.port).toBe('9090');
  });
});

describe('adobe.override.yaml', () => {
  it('points the workers at Adobe with credentials from the env file and no emulator', () => {
    const project = resolvedProject(ADOBE);
    const config = parseWorkerConfig(envOf(project.services.worker));
    expect(config.accounts.default).toMatchObject({
      clientId: 'CHANGE_ME',
      imsUrl: 'https://ims-na1.adobelogin.com',
      v1BaseUrl: 'https://image.adobe.io',
      v2BaseUrl: 'https://photoshop-api.adobe.io',
    });
    expect(project.services.emulator?.profiles).toEqual(['emulator']);
    expect(config.expectedDurationScale).toBe(1);
    // Against Adobe a cut-off submit is a duplicate remote job: the kill comes after the drain.
    const grace = durationSeconds(project.services.worker?.stop_grace_period ?? '10s');
    expect(grace * 1000).toBeGreaterThan(config.drainTimeoutMs);
  });

  it('refuses to resolve without the env file, naming the missing variable', () => {
    const run = composeConfig(['-f', 'compose.yaml', '-f', 'adobe.override.yaml']);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/ADOBE_CLIENT_ID/);
  });
});
