import { spawnSync } from 'node:child_process';
import { parse } from 'yaml';
import { composeDir } from './paths';

/** The parts of a resolved compose service the tests read. */
export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[] | string;
  environment?: Record<string, string | null>;
  deploy?: { replicas?: number };
  depends_on?: Record<string, { condition: string }>;
  profiles?: string[];
  read_only?: boolean;
  stop_grace_period?: string;
  volumes?: (string | { source?: string; target: string; type: string; read_only?: boolean })[];
  ports?: unknown[];
}

export interface ComposeProject {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

export interface ComposeRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `docker-compose … config` in infra/compose with an environment that holds only PATH and
 * HOME, so variables of the machine running the tests cannot fill in what the files must.
 */
export function composeConfig(args: readonly string[]): ComposeRun {
  const result = spawnSync('docker-compose', [...args, 'config'], {
    cwd: composeDir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Like {@link composeConfig}, failing with compose's own message when it rejects the files. */
export function resolvedProject(args: readonly string[]): ComposeProject {
  const run = composeConfig(args);
  if (run.status !== 0) {
    throw new Error(`docker-compose config exited ${String(run.status)}: ${run.stderr}`);
  }
  return parse(run.stdout) as ComposeProject;
}

/** A service's environment with null entries (declared without a value) left out. */
export function envOf(service: ComposeService | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(service?.environment ?? {})) {
    if (typeof value === 'string') env[key] = value;
  }
  return env;
}

/** `30s`, `1m30s` → seconds. */
export function durationSeconds(text: string): number {
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)(h|m|s|ms|us)/g)) {
    const n = Number(amount);
    total += unit === 'h' ? n * 3600 : unit === 'm' ? n * 60 : unit === 's' ? n : n / 1000;
  }
  return total;
}

/** A bind or named volume as `{ source, target }`, from either of compose's two spellings. */
export function mountsOf(
  service: ComposeService | undefined,
): { source: string; target: string }[] {
  return (service?.volumes ?? []).map((v) => {
    if (typeof v !== 'string') return { source: v.source ?? '', target: v.target };
    const [source = '', target = ''] = v.split(':');
    return { source, target };
  });
}
